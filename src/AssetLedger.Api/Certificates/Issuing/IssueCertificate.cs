using System.Text.Json;
using AssetLedger.Certificates;
using AssetLedger.Core.Identifiers;

namespace AssetLedger.Api.Certificates.Issuing;

/// <summary>
/// <c>POST /api/certificates</c>: our prosecutor issues a freezing (Annex I) or confiscation (Annex II)
/// certificate for property in another Member State. The certificate id is the command's key and the
/// same id in both ledgers. Transmission is a separate step (<c>…/transmit</c>), as on paper: the
/// certificate is signed, then sent.
/// </summary>
public static class IssueCertificateSlice
{
    [ApiRoute("POST", "/certificates", Roles.Prosecutor)]
    private static async Task<IResult> IssueCertificate(HttpContext http, CommandExecutor executor, NodaTime.IClock clock, Cooperation.PeerDirectory peers, CancellationToken ct)
    {
        var request = ApiRequest.Of(http);
        if (Refusal(peers, request.Caller) is { } refusal)
            return refusal.Status == 403 ? Problems.Forbidden(refusal.Detail) : Problems.Conflict(refusal.Detail);
        var errors = Prepare(request.CommandBody, peers, request, out var prepared);
        if (errors is not null) return Problems.Validation(errors);
        return (await Run(executor, clock, prepared!, ct)).ToResult(http);
    }

    /// <summary>
    /// One ledger per State: its prosecutors issue in the name of that State (403 otherwise), and only
    /// a ledger that takes part in cooperation issues at all (409).
    /// </summary>
    public static (int Status, string Detail)? Refusal(Cooperation.PeerDirectory peers, Caller caller) =>
        peers.State is null ? (409, "This ledger does not take part in cooperation: Cooperation:State is not configured.")
        : caller.Jurisdiction != peers.State ? (403, $"Certificates of this ledger are issued by {peers.State}; you act for {caller.Jurisdiction}.")
        : null;

    /// <summary>Parses the certificate (the 400 errors otherwise), to a State whose ledger this one knows: one path for the API and the web form.</summary>
    public static Dictionary<string, string[]>? Prepare(Body body, Cooperation.PeerDirectory peers, ApiRequest request, out CertificateCommandSlices.Prepared? prepared)
    {
        prepared = null;
        var errors = RequestPipeline.Parse(body, f =>
        {
            var c = Parse(f, request.Caller.Jurisdiction);
            if (c is not null && peers.Find(c.Details.ExecutingState) is null)
            {
                f.Fail("executingState", $"No ledger of {c.Details.ExecutingState} is configured as a peer (Cooperation:Peers).");
                return null;
            }
            return c;
        }, out var command);
        if (errors is not null) return errors;
        prepared = new CertificateCommandSlices.Prepared(request.Context(command!.CertificateId, CommandExecutor.Fingerprint(Route, command)), Route, command);
        return null;
    }

    public const string Route = "POST /api/certificates";

    public static Task<Outcome> Run(CommandExecutor executor, NodaTime.IClock clock, CertificateCommandSlices.Prepared prepared, CancellationToken ct) =>
        CertificateCommandSlices.RunAsync(executor, clock, prepared.Context, Route, ((IssueCertificate)prepared.Command).CertificateId, prepared.Command, mustExist: false, ct);

    /// <summary>The certificate's data elements, checked field by field (every error at once).</summary>
    public static IssueCertificate? Parse(Fields f, string issuingState)
    {
        var id = f.Id("certificateId");
        var kind = f.Enum<CertificateKind>("kind", true);
        var executing = f.Country("executingState", true);
        if (executing is not null && executing == issuingState) f.Fail("executingState", $"Must be another State than the issuing State {issuingState}.");
        var authority = f.Text("issuingAuthority", true);
        var reference = f.Text("orderReference", true, 64);
        var issuedOn = f.Date("issuedOn", true);
        var finalOn = f.Date("finalOn", kind == CertificateKind.Confiscation);
        if (kind == CertificateKind.Freezing && finalOn is not null) f.Fail("finalOn", "A freezing order is not final; only a confiscation certificate carries this date.");
        if (finalOn < issuedOn) f.Fail("finalOn", "Must not be before issuedOn.");
        var amount = f.Money("amountForExecutingState", false, allowZero: false);
        var total = f.Money("orderTotal", false, allowZero: false) ?? amount;
        if (amount is { } a && total is { } t)
        {
            if (a.Currency != t.Currency) f.Fail("orderTotal.currency", $"Must be {a.Currency}, the currency of amountForExecutingState.");
            else if (t < a) f.Fail("orderTotal.amount", "Must not be less than amountForExecutingState.");
        }
        var items = f.Array<CertificateItem>("items", false, 100, Item);
        if (amount is null && items.Count == 0 && f.Ok) f.Fail("items", "Name the property: an amountForExecutingState, items, or both.");
        var others = f.Array<string>("otherExecutingStates", false, 26, (e, name, parent) =>
        {
            if (e.ValueKind == JsonValueKind.String && Countries.IsAlpha2(e.GetString()) && e.GetString() != issuingState && e.GetString() != executing) return e.GetString();
            parent.Fail(name, "Must be an ISO 3166-1 alpha-2 code of a State other than the issuing and the executing State.");
            return null;
        });
        var urgent = f.Bool("urgent") ?? false;
        if (urgent && kind == CertificateKind.Confiscation) f.Fail("urgent", "Only a freezing certificate can be urgent (Art 9(3)).");
        var victims = f.Bool("victimRestitution") ?? false;
        var offence = f.Enum<ListedOffence>("offence", true);
        var description = f.Text("offenceDescription", offence == ListedOffence.Other, Fields.LongText);
        var bank = Bank(f, kind == CertificateKind.Confiscation);
        var caseId = f.Id("caseId", required: false);
        if (!f.Ok) return null;
        return new IssueCertificate(id!.Value, kind!.Value, new CertificateDetails(
            issuingState, executing!, authority!, reference!, issuedOn!.Value, finalOn, amount, total, items, others.Distinct().ToList()!,
            urgent, victims, offence!.Value, description, bank, caseId));
    }

    private static CertificateItem? Item(JsonElement e, string name, Fields parent)
    {
        if (e.ValueKind != JsonValueKind.Object) { parent.Fail(name, "Must be an object { description, identifiers, location }."); return null; }
        var f = new Fields(e, name + ".");
        var description = f.Text("description", true);
        var identifiers = f.StringMap("identifiers", 20);
        foreach (var (key, message) in AssetIdentifiers.Validate(identifiers)) f.Fail($"identifiers.{key}", message);
        var location = f.Text("location", true);
        parent.Absorb(f);
        return f.Ok ? new CertificateItem(description!, identifiers, location!) : null;
    }

    /// <summary>The issuing State's account for the Art 30 transfer (IBAN by ISO 13616, BIC by ISO 9362).</summary>
    private static BankDetails? Bank(Fields f, bool required)
    {
        if (!f.Has("issuerBank"))
        {
            if (required) f.Fail("issuerBank", "A confiscation certificate needs the issuing State's account for the Art 30 transfer.");
            return null;
        }
        var b = f.Nested("issuerBank");
        if (b is null) return null;
        var iban = b.Text("iban", true, 34);
        if (iban is not null && !AssetIdentifiers.IsValidIban(iban)) b.Fail("iban", "Not a valid IBAN (ISO 13616 check digits).");
        var bic = b.Text("bic", true, 11);
        if (bic is not null && !AssetIdentifiers.IsValidBic(bic)) b.Fail("bic", "Not a valid BIC (ISO 9362: 8 or 11 characters).");
        var holder = b.Text("accountHolder", true);
        f.Absorb(b);
        return b.Ok ? new BankDetails(iban!, bic!, holder!) : null;
    }
}
