using System.Globalization;
using System.Net;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;

namespace AssetLedger.Api.Tests.Distribution;

/// <summary>One expected allocation: kind, payee, amount as the API writes it, and status.</summary>
public sealed record Expected(string Kind, string PayeeType, string PayeeId, string Amount, string Status)
{
    public override string ToString() => $"{Kind} {PayeeType}:{PayeeId} {Amount} {Status}";
}

/// <summary>Given-state helpers for distributions, in any jurisdiction.</summary>
public static class DistributionKit
{
    /// <summary>A case opened by the desk's investigator, with a reference of its jurisdiction.</summary>
    public static Task<Guid> OpenCase(this Infrastructure.Api api, Desk desk, string[]? agencies = null) =>
        api.OpenCase($"{desk.Jurisdiction}-2026-{Guid.NewGuid().ToString("N")[..10]}", desk.Investigator, agencies);

    /// <summary>An asset added, frozen, ordered confiscated, final and realised with the given proceeds.</summary>
    public static async Task<Guid> RealisedAsset(this Infrastructure.Api api, Desk desk, Guid caseId, string gross, string costs = "0.00", string currency = "EUR", string? returned = null)
    {
        var (asset, _) = await api.Confiscated(caseId, by: desk);
        await api.Realise(asset, gross, costs, returned, currency, desk).Ok();
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
}
