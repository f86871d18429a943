using AssetLedger.Api.Infrastructure;
using AssetLedger.Assets;

namespace AssetLedger.Api.Assets;

/// <summary>One row per asset command of api.md: its route segment and the body parser (roles: <see cref="Infrastructure.RoleMatrix"/>).</summary>
public sealed record AssetCommandRoute(string Name, Func<Fields, AssetCommand?> Parse);

public static class AssetCommandParsers
{
    public static readonly IReadOnlyList<AssetCommandRoute> All =
    [
        new("freeze", f =>
        {
            var reference = f.Text("orderReference", true);
            var at = f.Instant("frozenAt", true);
            var amount = f.Money("amount", false);
            var holder = f.Text("holder", false);
            return f.Ok ? new Freeze(reference!, at!.Value, amount, holder) : null;
        }),
        new("seize", f =>
        {
            var custodian = f.Text("custodian", true);
            var location = f.Text("location", true);
            var at = f.Instant("seizedAt", true);
            var seal = f.Text("sealNumber", false);
            return f.Ok ? new Seize(custodian!, location!, at!.Value, seal) : null;
        }),
        new("custody-transfers", f =>
        {
            var custodian = f.Text("toCustodian", true);
            var location = f.Text("toLocation", true);
            var at = f.Instant("transferredAt", true);
            var seal = f.Text("sealNumber", false);
            return f.Ok ? new TransferCustody(custodian!, location!, at!.Value, seal) : null;
        }),
        new("valuations", f =>
        {
            var value = f.Money("value", true);
            var method = f.Enum<ValuationMethod>("method", true);
            var valuer = f.Text("valuer", true);
            var on = f.Date("valuedOn", true);
            var liens = f.Money("liens", false);
            if (value is { } v && liens is { } l && v.Currency != l.Currency) f.Fail("liens.currency", "Must be the valuation's currency.");
            return f.Ok ? new RecordValuation(value!.Value, method!.Value, valuer!, on!.Value, liens) : null;
        }),
        new("orders", f => ParseOrder(f) is { } order && f.Ok ? new RecordOrder(order) : null),
        new("appeals", f =>
        {
            var orderId = f.Id("orderId");
            var on = f.Date("lodgedOn", true);
            return f.Ok ? new LodgeAppeal(orderId!.Value, on!.Value) : null;
        }),
        new("appeal-decisions", f =>
        {
            var orderId = f.Id("orderId");
            var outcome = f.Enum<AppealOutcome>("outcome", true);
            var on = f.Date("decidedOn", true);
            return f.Ok ? new DecideAppeal(orderId!.Value, outcome!.Value, on!.Value) : null;
        }),
        new("finality", f =>
        {
            var orderId = f.Id("orderId");
            var on = f.Date("finalOn", true);
            return f.Ok ? new RecordFinality(orderId!.Value, on!.Value) : null;
        }),
        new("realisation", f =>
        {
            var gross = f.Money("gross", true);
            var costs = f.Money("costs", true);
            var method = f.Enum<RealisationMethod>("method", true);
            var on = f.Date("realisedOn", true);
            var returned = f.Money("returnedToOwner", false);
            if (gross is { } g)
            {
                if (costs is { } c && c.Currency != g.Currency) f.Fail("costs.currency", "Must be the currency of gross.");
                if (returned is { } r && r.Currency != g.Currency) f.Fail("returnedToOwner.currency", "Must be the currency of gross.");
                else if (returned is { } r2 && r2.Amount > g.Amount) f.Fail("returnedToOwner.amount", "Must not be more than gross.");
            }
            return f.Ok ? new Realise(gross!.Value, costs!.Value, method!.Value, on!.Value, returned) : null;
        }),
        new("release", f =>
        {
            var reason = f.Enum<ReleaseReason>("reason", true);
            var on = f.Date("releasedOn", true);
            var note = f.Text("note", reason == ReleaseReason.Other, Fields.LongText);
            return f.Ok ? new ReleaseAsset(reason!.Value, on!.Value, note) : null;
        }),
        new("disposal", f =>
        {
            var method = f.Enum<DisposalMethod>("method", true);
            var on = f.Date("disposedOn", true);
            var note = f.Text("note", false, Fields.LongText);
            return f.Ok ? new DisposeAsset(method!.Value, on!.Value, note) : null;
        }),
    ];

    private static CourtOrder? ParseOrder(Fields f)
    {
        var orderId = f.Id("orderId");
        var type = f.Enum<OrderType>("type", true);
        var court = f.Text("court", true);
        var reference = f.Text("reference", true, 64);
        var issuedOn = f.Date("issuedOn", true);
        var expiresOn = f.Date("expiresOn", false);
        var maxAmount = f.Money("maxAmount", false);
        var issuingState = f.Country("issuingState", false);
        var deadlines = f.Array("deadlines", false, 20, (e, name, parent) =>
        {
            if (e.ValueKind != System.Text.Json.JsonValueKind.Object) { parent.Fail(name, "Must be an object { \"kind\", \"due\" }."); return null; }
            var d = new Fields(e, name + ".");
            var kind = d.Text("kind", true, 64);
            var due = d.Date("due", true);
            if (kind is not null && !System.Text.RegularExpressions.Regex.IsMatch(kind, "^[a-z][a-z0-9_]*$"))
                d.Fail("kind", "Must be a lower snake_case word such as \"recognition\".");
            foreach (var (k, v) in d.Errors) parent.Fail(k, string.Join(" ", v));
            return d.Ok ? new OrderDeadline(kind!, due!.Value) : null;
        });
        if (issuedOn is { } i && expiresOn is { } x && x < i) f.Fail("expiresOn", "Must not be before issuedOn.");
        return f.Ok ? new CourtOrder(orderId!.Value, type!.Value, court!, reference!, issuedOn!.Value, expiresOn, maxAmount, issuingState, deadlines) : null;
    }
}
