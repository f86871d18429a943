using System.Net;

namespace AssetLedger.Api.Tests.Infrastructure;

/// <summary>Given-state helpers: a case, an asset, an asset driven to a status.</summary>
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

    public static async Task<Guid> AddAsset(this Api api, Guid caseId, string kind = "bank_account", string? token = null)
    {
        var id = Guid.NewGuid();
        var r = await api.Post($"/api/cases/{caseId}/assets", new { assetId = id, kind, description = "Current account", identifiers = new { iban = "NL91ABNA0417164300" }, location = "NL", holder = "Shell company B.V." }, token ?? Tokens.Investigator);
        Assert.True(r.Status == HttpStatusCode.Created, r.ToString());
        return id;
    }

    public static Task<Reply> Command(this Api api, Guid assetId, string command, object body, string token) =>
        api.Post($"/api/assets/{assetId}/{command}", body, token);

    public static async Task<Reply> Ok(this Task<Reply> reply)
    {
        var r = await reply;
        Assert.True(r.Status == HttpStatusCode.OK, r.ToString());
        return r;
    }

    public static Task<Reply> Freeze(this Api api, Guid assetId) =>
        api.Command(assetId, "freeze", new { commandId = Guid.NewGuid(), orderReference = "R-1", frozenAt = "2026-03-01T10:00:00Z", amount = Money("120000.00") }, Tokens.Investigator);

    public static Task<Reply> Seize(this Api api, Guid assetId) =>
        api.Command(assetId, "seize", new { commandId = Guid.NewGuid(), custodian = "ORD", location = "Depot Utrecht", seizedAt = "2026-03-02T10:00:00Z" }, Tokens.Investigator);

    public static Task<Reply> Value(this Api api, Guid assetId, string amount = "120000.00", string currency = "EUR") =>
        api.Command(assetId, "valuations", new { commandId = Guid.NewGuid(), value = Money(amount, currency), method = "book", valuer = "Bank", valuedOn = "2026-03-01" }, Tokens.Investigator);

    public static Task<Reply> OrderConfiscation(this Api api, Guid assetId, Guid orderId, object? maxAmount = null) =>
        api.Command(assetId, "orders", new { commandId = Guid.NewGuid(), orderId, type = "confiscation", court = "Rechtbank Amsterdam", reference = "C-1", issuedOn = "2026-05-01", maxAmount }, Tokens.Prosecutor);

    public static Task<Reply> Finality(this Api api, Guid assetId, Guid orderId) =>
        api.Command(assetId, "finality", new { commandId = Guid.NewGuid(), orderId, finalOn = "2026-06-01" }, Tokens.Prosecutor);

    public static Task<Reply> Realise(this Api api, Guid assetId, string gross, string costs = "0.00", string? returned = null, string currency = "EUR") =>
        api.Command(assetId, "realisation", new { commandId = Guid.NewGuid(), gross = Money(gross, currency), costs = Money(costs, currency), method = "sale", realisedOn = "2026-06-02", returnedToOwner = returned is null ? null : Money(returned, currency) }, Tokens.Treasury);

    /// <summary>An asset frozen, seized, ordered confiscated and final: ready to realise.</summary>
    public static async Task<(Guid Asset, Guid Order)> Confiscated(this Api api, Guid caseId, Guid? orderId = null, object? maxAmount = null)
    {
        var asset = await api.AddAsset(caseId);
        var order = orderId ?? Guid.NewGuid();
        await api.Freeze(asset).Ok();
        await api.OrderConfiscation(asset, order, maxAmount).Ok();
        await api.Finality(asset, order).Ok();
        return (asset, order);
    }
}
