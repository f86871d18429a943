using System.Net;
using System.Text.Json;
using NodaTime;
using AssetLedger.Api.Tests.Distribution;
using AssetLedger.Api.Tests.Infrastructure;
using static AssetLedger.Api.Tests.Cooperation.TwoLedgers;
using static AssetLedger.Api.Tests.Distribution.DistributionKit;

namespace AssetLedger.Api.Tests.Cooperation;

/// <summary>
/// Art 30: DE executes NL's confiscation certificate, realises the property, distributes the
/// proceeds (victims first, then the EUR 10,000 threshold and the half), and settles NL's share. NL's
/// ledger learns each step from DE's ledger; NL's receivables and DE's reconciliation show the same
/// due, settled and outstanding to the cent.
/// </summary>
public sealed class when_sharing_the_proceeds_of_a_certificate_on_both_sides(TwoLedgers two) : TwoLedgersTest(two)
{
    private static readonly Desk De = new("DE", "LKA");

    /// <summary>NL's certificate received, recognised and executed in DE; a DE case with the property realised for <paramref name="gross"/>.</summary>
    private async Task<(Guid Certificate, Guid Case)> ExecutedAndRealisedAsync(string gross, string? victimClaim = null)
    {
        var id = await Two.IssuedAndReceivedAsync(amount: gross);
        await Command(Two.DE, id, "recognition").Ok();
        await Command(Two.DE, id, "execution", new { commandId = Guid.NewGuid(), value = Scenarios.Money(gross) }).Ok();
        var caseId = await Two.DE.Client.OpenCase(De);
        if (victimClaim is not null) await Two.DE.Client.Claim(De, caseId, "V-DE-1", victimClaim);
        await Two.DE.Client.RealisedAsset(De, caseId, gross);
        return (id, caseId);
    }

    private async Task<Reply> DistributeAsync(Guid caseId, Guid certificateId)
    {
        var body = Body(Guid.NewGuid(), "eu-2018-1805", "NL");
        body["certificateId"] = certificateId;
        return await Two.DE.Client.Distributed(De, caseId, body);
    }

    /// <summary>
    /// DE's reconciliation row for NL and NL's receivable row from DE, as (due, settled, outstanding),
    /// which must be equal. The two ledgers serve every test of the class, so the rows are totals
    /// over every certificate shared so far; each test checks its own share besides.
    /// </summary>
    private async Task AssertBothSidesAgreeAsync()
    {
        var rec = await Two.DE.Client.Get("/api/treasury/reconciliation", De.Treasury).Ok();
        var row = rec["rows"].EnumerateArray().Single(r => r.GetProperty("payee").GetProperty("type").GetString() == "state" && r.GetProperty("payee").GetProperty("id").GetString() == "NL");
        var receivables = await Two.NL.Client.Get("/api/treasury/receivables", Two.NL.Token("treasury")).Ok();
        var mine = receivables["rows"].EnumerateArray().Single(r => r.GetProperty("fromState").GetString() == "DE");
        static (string, string, string) Of(JsonElement r) => (r.GetProperty("due").Amount(), r.GetProperty("settled").Amount(), r.GetProperty("outstanding").Amount());
        Assert.Equal(Of(row), Of(mine));
    }

    private static (string, string, string) Figures(Reply certificate) =>
        (certificate["shares"][0].GetProperty("due").Amount(), certificate["shares"][0].GetProperty("settled").Amount(), certificate["shares"][0].GetProperty("outstanding").Amount());

    [Fact]
    public async Task ten_thousand_and_one_cent_gives_the_issuing_state_5000_01_and_both_sides_agree_to_the_cent_through_settlement()
    {
        var (id, caseId) = await ExecutedAndRealisedAsync("10000.01");
        var d = await DistributeAsync(caseId, id);
        var nlShare = d.Allocation("state", "NL");
        Assert.Equal("5000.01", nlShare.GetProperty("amount").Amount());
        Assert.Equal("5000.00", d.Allocation("treasury", "DE").GetProperty("amount").Amount());

        var nl = await Until(Two.NL, id, r => r["shares"].GetArrayLength() == 1);
        Assert.Equal(("5000.01", "0.00", "5000.01"), Figures(nl));
        await AssertBothSidesAgreeAsync();

        var distributionId = d["distributionId"].GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await Two.DE.Client.Settle(De, caseId, distributionId, nlShare.Id(), "2000.00", "EUR")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Two.DE.Client.Settle(De, caseId, distributionId, nlShare.Id(), "3000.01", "EUR")).Status);

        var settled = await Until(Two.NL, id, r => r["shares"][0].GetProperty("payments").GetArrayLength() == 2);
        Assert.Equal(("5000.01", "5000.01", "0.00"), Figures(settled));
        Assert.Equal(Figures(settled), Figures(await Two.DE.Client.Get($"/api/certificates/{id}", Two.DE.Token("treasury")).Ok()));
        Assert.Equal("TRX-" + nlShare.Id().ToString("N")[..8], settled["shares"][0].GetProperty("payments")[1].GetProperty("bankReference").GetString());
        await AssertBothSidesAgreeAsync();

        var history = await HistoryTypes(Two.NL, id);
        Assert.Equal(["proceeds_shared", "share_settled", "share_settled"], history.TakeLast(3));
        Assert.Equal(history.Skip(2), (await HistoryTypes(Two.DE, id)).Select(t => t == "certificate_received" ? "receipt_confirmed" : t));
    }

    [Fact]
    public async Task ten_thousand_stays_with_the_executing_state_and_the_issuing_ledger_records_a_share_of_zero()
    {
        var (id, caseId) = await ExecutedAndRealisedAsync("10000.00");
        var d = await DistributeAsync(caseId, id);
        Assert.DoesNotContain(d.Allocations(), a => a.GetProperty("payee").GetProperty("id").GetString() == "NL");
        Assert.Equal("10000.00", d.Allocation("treasury", "DE").GetProperty("amount").Amount());

        var nl = await Until(Two.NL, id, r => r["shares"].GetArrayLength() == 1);
        Assert.Equal(("0.00", "0.00", "0.00"), Figures(nl));
        var receivables = await Two.NL.Client.Get("/api/treasury/receivables", Two.NL.Token("treasury")).Ok();
        var mine = receivables["shares"].EnumerateArray().Single(s => s.GetProperty("certificateId").GetGuid() == id);
        Assert.Equal("0.00", mine.GetProperty("outstanding").Amount());
    }

    [Fact]
    public async Task victims_are_paid_first_and_the_issuing_state_shares_what_remains()
    {
        var (id, caseId) = await ExecutedAndRealisedAsync("30000.00", victimClaim: "10000.00");
        var d = await DistributeAsync(caseId, id);
        Assert.Equal("10000.00", d.Allocation("victim", "V-DE-1", "victim").GetProperty("amount").Amount());
        var nlShare = d.Allocation("state", "NL").GetProperty("amount").Amount();
        Assert.Equal("10000.00", nlShare); // (30,000.00 - 10,000.00 to the victim) / 2

        var nl = await Until(Two.NL, id, r => r["shares"].GetArrayLength() == 1);
        Assert.Equal(("10000.00", "0.00", "10000.00"), Figures(nl));
        await AssertBothSidesAgreeAsync();
    }

    [Fact]
    public async Task a_distribution_under_a_certificate_not_yet_executed_is_refused_and_changes_nothing()
    {
        var id = await Two.IssuedAndReceivedAsync(amount: "10000.01");
        await Command(Two.DE, id, "recognition").Ok();
        var caseId = await Two.DE.Client.OpenCase(De);
        await Two.DE.Client.RealisedAsset(De, caseId, "10000.01");
        var before = await Two.DE.EventCountAsync();

        var body = Body(Guid.NewGuid(), "eu-2018-1805", "NL");
        body["certificateId"] = id;
        var refused = await Two.DE.Client.Distribute(De, caseId, body);
        body["distributionId"] = Guid.NewGuid();
        body["counterparty"] = "FR";
        var wrongState = await Two.DE.Client.Distribute(De, caseId, body);

        Assert.True(refused.Status == HttpStatusCode.Conflict, refused.ToString());
        Assert.Contains("Art 30", refused.Str("detail"));
        Assert.True(wrongState.Status == HttpStatusCode.BadRequest, wrongState.ToString());
        Assert.Equal(before, await Two.DE.EventCountAsync());
    }

    [Fact]
    public async Task an_article_31_cost_proposal_and_its_answer_appear_in_both_histories()
    {
        var id = await Two.IssuedAndReceivedAsync(amount: "250000.00");
        await Command(Two.DE, id, "recognition").Ok();
        var proposalId = Guid.NewGuid();
        var proposed = await Command(Two.DE, id, "cost-proposals", new
        {
            commandId = Guid.NewGuid(), proposalId, costs = Scenarios.Money("48000.00"), proposedShare = Scenarios.Money("24000.00"),
            description = "Forensic accountants for 6 weeks to trace the accounts",
        }, role: "treasury").Ok();
        Assert.Single(proposed["costProposals"].EnumerateArray());

        var nl = await Until(Two.NL, id, r => r["costProposals"].GetArrayLength() == 1);
        Assert.Contains("cost-decisions", nl["actions"].EnumerateArray().Select(a => a.GetString()));
        var early = await Command(Two.NL, id, "cost-decisions", new { commandId = Guid.NewGuid(), proposalId, outcome = "agreed", reason = "a quarter" }, role: "treasury");
        Assert.Equal(HttpStatusCode.BadRequest, early.Status); // agreed without its amount
        await Command(Two.NL, id, "cost-decisions", new
        {
            commandId = Guid.NewGuid(), proposalId, outcome = "agreed", agreedShare = Scenarios.Money("12000.00"), reason = "A quarter: the tracing served both States",
        }, role: "treasury").Ok();

        var de = await Until(Two.DE, id, r => r["costProposals"][0].GetProperty("outcome").ValueKind == JsonValueKind.String);
        Assert.Equal("agreed", de["costProposals"][0].GetProperty("outcome").GetString());
        Assert.Equal("12000.00", de["costProposals"][0].GetProperty("agreedShare").Amount());
        Assert.Equal(["cost_sharing_proposed", "cost_sharing_decided"], (await HistoryTypes(Two.DE, id)).TakeLast(2));
        Assert.Equal(["cost_sharing_proposed", "cost_sharing_decided"], (await HistoryTypes(Two.NL, id)).TakeLast(2));
    }

    [Fact]
    public async Task the_whole_exchange_from_issue_to_settlement_with_a_missed_time_limit_on_the_way()
    {
        // Issue and transmit on 2 March; DE records the receipt. Day 46 passes without a decision.
        var id = await Two.IssuedAndReceivedAsync(amount: "10000.01");
        Two.DE.Clock.Advance(Duration.FromDays(46));
        Two.NL.Clock.Advance(Duration.FromDays(46));
        await Command(Two.DE, id, "deadline-check").Ok();
        await Until(Two.NL, id, r => r["deadlines"][0].GetProperty("missed").GetBoolean());

        // Recognised late (the duty continued), executed, realised, distributed with victims first (none here).
        await Command(Two.DE, id, "recognition").Ok();
        await Command(Two.DE, id, "execution", new { commandId = Guid.NewGuid(), value = Scenarios.Money("10000.01") }).Ok();
        var caseId = await Two.DE.Client.OpenCase(De);
        await Two.DE.Client.RealisedAsset(De, caseId, "10000.01");
        var d = await DistributeAsync(caseId, id);
        var share = d.Allocation("state", "NL");
        Assert.Equal("5000.01", share.GetProperty("amount").Amount());
        Assert.Equal(HttpStatusCode.OK, (await Two.DE.Client.Settle(De, caseId, d["distributionId"].GetGuid(), share.Id(), "5000.01", "EUR")).Status);

        var nl = await Until(Two.NL, id, r => r["shares"].GetArrayLength() == 1 && r["shares"][0].GetProperty("payments").GetArrayLength() == 1);
        Assert.Equal(("5000.01", "5000.01", "0.00"), Figures(nl));
        await AssertBothSidesAgreeAsync();
        Assert.Equal(
            ["certificate_issued", "certificate_transmitted", "receipt_confirmed", "certificate_deadline_missed", "certificate_recognised",
             "certificate_executed", "proceeds_shared", "share_settled"],
            await HistoryTypes(Two.NL, id));
    }

    [Fact]
    public async Task an_urgent_freezing_has_48_hours_to_recognise_and_48_more_to_execute()
    {
        var id = await Two.IssuedAndReceivedAsync(kind: "freezing", amount: "5000.00", urgent: true);
        Two.DE.Clock.Advance(Duration.FromHours(47));
        await Command(Two.DE, id, "recognition").Ok();
        Two.DE.Clock.Advance(Duration.FromHours(49));
        var checkedLate = await Command(Two.DE, id, "deadline-check").Ok();

        var limits = checkedLate["deadlines"].EnumerateArray().ToDictionary(x => x.GetProperty("kind").GetString()!);
        Assert.True(limits["recognition"].GetProperty("met").GetBoolean());
        Assert.True(limits["execution"].GetProperty("missed").GetBoolean());
        Assert.Equal("Reg (EU) 2018/1805 Art 9(3)", limits["execution"].GetProperty("legalBasis").GetString());
        await Until(Two.NL, id, r => r["deadlines"].EnumerateArray().Any(x => x.GetProperty("kind").GetString() == "execution" && x.GetProperty("missed").GetBoolean()));
    }
}
