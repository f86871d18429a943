using System.Globalization;
using System.Net;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;

namespace AssetLedger.Api.Tests.Distribution;

/// <summary>The people of one jurisdiction and agency: tokens for each role.</summary>
public sealed record Desk(string Jurisdiction, string Agency)
{
    public string Investigator { get; } = Tokens.For("investigator", Jurisdiction, Agency);
    public string Prosecutor { get; } = Tokens.For("prosecutor", Jurisdiction, Agency);
    public string Treasury { get; } = Tokens.For("treasury", Jurisdiction, Agency);
    public string Auditor { get; } = Tokens.For("auditor", Jurisdiction, Agency);
    public string Admin { get; } = Tokens.For("admin", Jurisdiction, Agency);

    public static readonly Desk NL = new("NL", "FIOD");
    public static readonly Desk ES = new("ES", "UDEF");
    public static readonly Desk US = new("US", "FBI");
    public static readonly Desk GB = new("GB", "NCA");
}

/// <summary>One expected allocation: kind, payee, amount as the API writes it, and status.</summary>
public sealed record Expected(string Kind, string PayeeType, string PayeeId, string Amount, string Status)
{
    public override string ToString() => $"{Kind} {PayeeType}:{PayeeId} {Amount} {Status}";
}

/// <summary>Given-state helpers for distributions, in any jurisdiction.</summary>
public static class DistributionKit
{
    public static object Money(string amount, string currency) => new { amount, currency };

    public static async Task<Guid> OpenCase(this Infrastructure.Api api, Desk desk, string[]? agencies = null)
    {
        var id = Guid.NewGuid();
        var reference = $"{desk.Jurisdiction}-2026-{id.ToString("N")[..10]}";
        var r = await api.Post("/api/cases", new { caseId = id, reference, title = "Operation Lantern", offences = new[] { "trafficking_in_human_beings" }, participatingAgencies = agencies ?? [] }, desk.Investigator);
        Assert.True(r.Status == HttpStatusCode.Created, r.ToString());
        return id;
    }

    /// <summary>An asset added, frozen, ordered confiscated, final and realised with the given proceeds.</summary>
    public static async Task<Guid> RealisedAsset(this Infrastructure.Api api, Desk desk, Guid caseId, string gross, string costs = "0.00", string currency = "EUR", string? returned = null)
    {
        var asset = Guid.NewGuid();
        var order = Guid.NewGuid();
        var added = await api.Post($"/api/cases/{caseId}/assets", new { assetId = asset, kind = "bank_account", description = "Current account", identifiers = new { iban = "NL91ABNA0417164300" }, location = desk.Jurisdiction, holder = "Shell company" }, desk.Investigator);
        Assert.True(added.Status == HttpStatusCode.Created, added.ToString());
        await api.Command(asset, "freeze", new { commandId = Guid.NewGuid(), orderReference = "F-1", frozenAt = "2026-03-01T10:00:00Z", amount = (object?)null }, desk.Investigator).Ok();
        await api.Command(asset, "orders", new { commandId = Guid.NewGuid(), orderId = order, type = "confiscation", court = "Court", reference = "C-1", issuedOn = "2026-05-01" }, desk.Prosecutor).Ok();
        await api.Command(asset, "finality", new { commandId = Guid.NewGuid(), orderId = order, finalOn = "2026-06-01" }, desk.Prosecutor).Ok();
        await api.Command(asset, "realisation", new
        {
            commandId = Guid.NewGuid(), gross = Money(gross, currency), costs = Money(costs, currency), method = "sale", realisedOn = "2026-06-02",
            returnedToOwner = returned is null ? null : Money(returned, currency),
        }, desk.Treasury).Ok();
        return asset;
    }

    public static async Task<Reply> Claim(this Infrastructure.Api api, Desk desk, Guid caseId, string victimRef, string amount, string currency = "EUR", int? rank = null, string basis = "compensation order")
    {
        var r = await api.Post($"/api/cases/{caseId}/victim-claims", new { claimId = Guid.NewGuid(), victimRef, amount = Money(amount, currency), basis, priorityRank = rank }, desk.Prosecutor);
        Assert.True(r.Status == HttpStatusCode.Created, r.ToString());
        return r;
    }

    /// <summary>A distribution request shaped exactly as api.md shows it.</summary>
    public static Dictionary<string, object?> Body(Guid distributionId, string regime, string? counterparty = null, object? parameters = null,
        Guid[]? assetIds = null, string? currency = null, object[]? fx = null) => new()
    {
        ["distributionId"] = distributionId,
        ["regime"] = regime,
        ["counterparty"] = counterparty,
        ["parameters"] = parameters ?? new { },
        ["assetIds"] = assetIds,
        ["currency"] = currency,
        ["fx"] = fx ?? [],
    };

    public static object Rate(string @base, string quote, string rate, string purpose) =>
        new { @base, quote, rate, source = "ECB", asOf = "2026-06-02", purpose };

    public static Task<Reply> Distribute(this Infrastructure.Api api, Desk desk, Guid caseId, object body) =>
        api.Post($"/api/cases/{caseId}/distributions", body, desk.Treasury);

    public static async Task<Reply> Distributed(this Infrastructure.Api api, Desk desk, Guid caseId, object body)
    {
        var r = await api.Distribute(desk, caseId, body);
        Assert.True(r.Status == HttpStatusCode.Created, r.ToString());
        return r;
    }

    public static Task<Reply> Settle(this Infrastructure.Api api, Desk desk, Guid caseId, Guid distributionId, Guid allocationId, string amount, string currency, Guid? commandId = null) =>
        api.Post($"/api/cases/{caseId}/distributions/{distributionId}/settlements", new
        {
            commandId = commandId ?? Guid.NewGuid(), allocationId, amount = Money(amount, currency), settledOn = "2026-07-01", bankReference = "TRX-" + allocationId.ToString("N")[..8],
        }, desk.Treasury);

    public static IReadOnlyList<JsonElement> Allocations(this Reply r) => r["allocations"].EnumerateArray().ToList();

    public static string Amount(this JsonElement money) => money.GetProperty("amount").GetString()!;

    public static Expected ToExpected(JsonElement a) => new(
        a.GetProperty("kind").GetString()!, a.GetProperty("payee").GetProperty("type").GetString()!, a.GetProperty("payee").GetProperty("id").GetString()!,
        a.GetProperty("amount").Amount(), a.GetProperty("status").GetString()!);

    /// <summary>The allocation of a payee (and kind), which must be unique.</summary>
    public static JsonElement Allocation(this Reply r, string payeeType, string payeeId, string kind = "share") =>
        r.Allocations().Single(a => a.GetProperty("payee").GetProperty("type").GetString() == payeeType
                                    && a.GetProperty("payee").GetProperty("id").GetString() == payeeId
                                    && a.GetProperty("kind").GetString() == kind);

    public static Guid Id(this JsonElement allocation) => allocation.GetProperty("allocationId").GetGuid();

    /// <summary>
    /// Every allocation exactly (as a multiset), each in the base currency with nothing settled yet,
    /// none zero, summing to the base exactly; victims listed first, our retained share last.
    /// </summary>
    public static void AssertDistribution(Reply r, string regime, string @base, string currency, params Expected[] expected)
    {
        Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.OK, r.ToString());
        Assert.Equal(regime, r.Str("regime"));
        Assert.Equal(@base, r["base"].Amount());
        Assert.Equal(currency, r["base"].GetProperty("currency").GetString());

        var allocations = r.Allocations().ToList();
        var actual = allocations.Select(ToExpected).OrderBy(e => e.ToString(), StringComparer.Ordinal).ToList();
        Assert.Equal(expected.OrderBy(e => e.ToString(), StringComparer.Ordinal).ToList(), actual);

        foreach (var a in allocations)
        {
            Assert.Equal(currency, a.GetProperty("amount").GetProperty("currency").GetString());
            Assert.NotEqual(0m, Dec(a.GetProperty("amount").Amount()));
            Assert.Equal(0m, Dec(a.GetProperty("settled").Amount()));
            Assert.NotEqual(Guid.Empty, a.Id());
        }
        Assert.Equal(allocations.Count, allocations.Select(a => a.Id()).Distinct().Count());
        Assert.Equal(Dec(@base), allocations.Sum(a => Dec(a.GetProperty("amount").Amount())));

        // The documented stable order: victims first (paid first), our retained share last.
        var kinds = allocations.Select(a => a.GetProperty("kind").GetString()).ToList();
        var firstNonVictim = kinds.FindIndex(k => k != "victim");
        if (firstNonVictim >= 0) Assert.DoesNotContain("victim", kinds.Skip(firstNonVictim));
        var retainedShare = allocations.FindIndex(a => a.GetProperty("kind").GetString() == "share" && a.GetProperty("payee").GetProperty("type").GetString() == "treasury");
        if (retainedShare >= 0) Assert.Equal(allocations.Count - 1, retainedShare);
    }

    public static decimal Dec(string s) => decimal.Parse(s, NumberStyles.Number, CultureInfo.InvariantCulture);

    public static string Fmt(decimal amount, string currency) =>
        amount.ToString(currency is "JPY" ? "F0" : "F2", CultureInfo.InvariantCulture);

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
