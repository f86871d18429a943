using System.Net;

namespace AssetLedger.Api.Tests.Infrastructure;

/// <summary>
/// Given-state helpers: a case, an asset, an asset driven to a status, and waiting for a view that may lag.
/// Commands are sent as the NL desk of <see cref="Tokens"/> unless a <see cref="Desk"/> is given.
/// </summary>
public static class Scenarios
{
    public static object Money(string amount, string currency = "EUR") => new { amount, currency };

    public static async Task<Guid> OpenCase(this Api api, string reference = "NL-2026-0042", string? token = null, string[]? agencies = null)
    {
        var id = Guid.NewGuid();
        var r = await api.Post("/api/cases", new { caseId = id, reference, title = "Operation Lantern", offences = new[] { "trafficking_in_human_beings" }, participatingAgencies = agencies ?? [] }, token ?? Tokens.Investigator);
        Assert.True(r.Status == HttpStatusCode.Created, r.ToString());
        return id;
    }

    public static async Task<Guid> AddAsset(this Api api, Guid caseId, string kind = "bank_account", string? token = null, string location = "NL")
    {
        var id = Guid.NewGuid();
        var r = await api.Post($"/api/cases/{caseId}/assets", new { assetId = id, kind, description = "Current account", identifiers = new { iban = "NL91ABNA0417164300" }, location, holder = "Shell company B.V." }, token ?? Tokens.Investigator);
        Assert.True(r.Status == HttpStatusCode.Created, r.ToString());
        return id;
    }

    public static Task<Reply> Command(this Api api, Guid assetId, string command, object body, string token) =>
        api.Post($"/api/assets/{assetId}/{command}", body, token);

    /// <summary>A confiscation certificate issued by NL's prosecutor for assets in Germany (not transmitted).</summary>
    public static async Task<Guid> IssuedCertificate(this Api api, string amount = "10000.01")
    {
        var id = Guid.NewGuid();
        var r = await api.Post("/api/certificates", new
        {
            certificateId = id, kind = "confiscation", executingState = "DE", issuingAuthority = "Openbaar Ministerie Rotterdam",
            orderReference = "RTM-2026-0042", issuedOn = "2026-02-01", finalOn = "2026-02-20", amountForExecutingState = Money(amount),
            offence = "trafficking_in_human_beings",
            issuerBank = new { iban = "NL91ABNA0417164300", bic = "ABNANL2A", accountHolder = "Ministerie van Justitie en Veiligheid" },
        }, Tokens.Prosecutor);
        Assert.True(r.Status == HttpStatusCode.Created, r.ToString());
        return id;
    }

    public static async Task<Reply> Ok(this Task<Reply> reply)
    {
        var r = await reply;
        Assert.True(r.Status == HttpStatusCode.OK, r.ToString());
        return r;
    }

    public static Task<Reply> Freeze(this Api api, Guid assetId, Desk? by = null) =>
        api.Command(assetId, "freeze", new { commandId = Guid.NewGuid(), orderReference = "R-1", frozenAt = "2026-03-01T10:00:00Z", amount = Money("120000.00") }, by?.Investigator ?? Tokens.Investigator);

    /// <summary>The body of a seizure (<c>POST /api/assets/{id}/seize</c>) under the idempotency key <paramref name="commandId"/>.</summary>
    public static object SeizureBody(Guid commandId, string custodian = "ORD") =>
        new { commandId, custodian, location = "Depot Utrecht", seizedAt = "2026-03-02T10:00:00Z" };

    /// <summary>A seizure by the NL investigator, under a fresh idempotency key unless one is given.</summary>
    public static Task<Reply> Seize(this Api api, Guid assetId, Guid? commandId = null) =>
        api.Command(assetId, "seize", SeizureBody(commandId ?? Guid.NewGuid()), Tokens.Investigator);

    public static Task<Reply> Value(this Api api, Guid assetId, string amount = "120000.00", string currency = "EUR") =>
        api.Command(assetId, "valuations", new { commandId = Guid.NewGuid(), value = Money(amount, currency), method = "book", valuer = "Bank", valuedOn = "2026-03-01" }, Tokens.Investigator);

    public static Task<Reply> OrderConfiscation(this Api api, Guid assetId, Guid orderId, object? maxAmount = null, Desk? by = null) =>
        api.Command(assetId, "orders", new { commandId = Guid.NewGuid(), orderId, type = "confiscation", court = "Rechtbank Amsterdam", reference = "C-1", issuedOn = "2026-05-01", maxAmount }, by?.Prosecutor ?? Tokens.Prosecutor);

    public static Task<Reply> Finality(this Api api, Guid assetId, Guid orderId, Desk? by = null) =>
        api.Command(assetId, "finality", new { commandId = Guid.NewGuid(), orderId, finalOn = "2026-06-01" }, by?.Prosecutor ?? Tokens.Prosecutor);

    public static Task<Reply> Realise(this Api api, Guid assetId, string gross, string costs = "0.00", string? returned = null, string currency = "EUR", Desk? by = null) =>
        api.Command(assetId, "realisation", new { commandId = Guid.NewGuid(), gross = Money(gross, currency), costs = Money(costs, currency), method = "sale", realisedOn = "2026-06-02", returnedToOwner = returned is null ? null : Money(returned, currency) }, by?.Treasury ?? Tokens.Treasury);

    /// <summary>An asset (located in the desk's jurisdiction) frozen, ordered confiscated and final: ready to realise.</summary>
    public static async Task<(Guid Asset, Guid Order)> Confiscated(this Api api, Guid caseId, Guid? orderId = null, object? maxAmount = null, Desk? by = null)
    {
        var asset = await api.AddAsset(caseId, token: by?.Investigator, location: by?.Jurisdiction ?? "NL");
        var order = orderId ?? Guid.NewGuid();
        await api.Freeze(asset, by).Ok();
        await api.OrderConfiscation(asset, order, maxAmount, by).Ok();
        await api.Finality(asset, order, by).Ok();
        return (asset, order);
    }

    /// <summary>Aggregating views may lag by up to 2 seconds: poll until the condition holds (or give the last answer).</summary>
    public static async Task<Reply> Eventually(Func<Task<Reply>> read, Func<Reply, bool> done, int timeoutMs = 3000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var r = await read();
            if (done(r) || DateTime.UtcNow > until) return r;
            await Task.Delay(100);
        }
    }
}
