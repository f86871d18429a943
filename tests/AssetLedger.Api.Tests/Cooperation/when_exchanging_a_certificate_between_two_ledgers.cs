using System.Net;
using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using static AssetLedger.Api.Tests.Cooperation.TwoLedgers;

namespace AssetLedger.Api.Tests.Cooperation;

/// <summary>
/// The two-ledger tests run on their own, after the parallel collections: the ledgers' logs go through
/// Serilog's static logger, which any other host starting in parallel would take over.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TwoLedgersCollection : ICollectionFixture<TwoLedgers>
{
    public const string Name = "two-ledgers";
}

/// <summary>
/// NL's ledger issues a confiscation certificate for assets in Germany; DE's ledger, a separate
/// service on its own database, receives, recognises and executes it; the reports flow back. All
/// over loopback HTTP between two running instances, with each State's own fake clock.
/// </summary>
public sealed class when_exchanging_a_certificate_between_two_ledgers(TwoLedgers two) : TwoLedgersTest(two)
{
    [Fact]
    public async Task the_certificate_is_received_in_the_executing_ledger_and_the_receipt_recorded_in_the_issuing_one()
    {
        var id = await Two.IssuedAndReceivedAsync();

        var de = await Two.DE.Client.Get($"/api/certificates/{id}", Two.DE.Token("prosecutor")).Ok();
        Assert.Equal("executing", de.Str("role"));
        Assert.Equal("NL", de.Str("otherState"));
        Assert.Equal("10000.01", de["details"].GetProperty("amountForExecutingState").GetProperty("amount").GetString());
        Assert.Equal("NL91ABNA0417164300", de["details"].GetProperty("issuerBank").GetProperty("iban").GetString());
        var deadline = Assert.Single(de["deadlines"].EnumerateArray());
        Assert.Equal("recognition", deadline.GetProperty("kind").GetString());
        // Received 2 March (not counted) + 45 days: the end of 16 April in Berlin (Art 20(1); Reg 1182/71 Art 3).
        Assert.Equal("2026-04-16T21:59:59.999999999Z", deadline.GetProperty("due").GetString());
        Assert.Contains("recognition", de["actions"].EnumerateArray().Select(a => a.GetString()));

        var nl = await Two.NL.Client.Get($"/api/certificates/{id}", Two.NL.Token("prosecutor")).Ok();
        Assert.Equal("issuing", nl.Str("role"));
        Assert.Equal("2026-03-02T09:00:00Z", nl.Str("receivedAt"));
        Assert.Equal(["certificate_issued", "certificate_transmitted", "receipt_confirmed"], await HistoryTypes(Two.NL, id));
        Assert.Equal(["certificate_received"], await HistoryTypes(Two.DE, id));
    }

    [Fact]
    public async Task recognition_on_day_45_meets_the_time_limit_and_the_check_records_nothing()
    {
        var id = await Two.IssuedAndReceivedAsync();
        Two.DE.Clock.Advance(Duration.FromDays(45));

        await Command(Two.DE, id, "recognition").Ok();
        await Command(Two.DE, id, "deadline-check").Ok();

        var nl = await Until(Two.NL, id, r => r.Str("status") == "recognised");
        Assert.True(nl["deadlines"][0].GetProperty("met").GetBoolean());
        Assert.Equal(["certificate_received", "certificate_recognised"], await HistoryTypes(Two.DE, id));
        Assert.Equal(["certificate_issued", "certificate_transmitted", "receipt_confirmed", "certificate_recognised"], await HistoryTypes(Two.NL, id));
    }

    [Fact]
    public async Task on_day_46_the_missed_time_limit_is_an_event_on_both_sides_and_the_duty_to_decide_continues()
    {
        var id = await Two.IssuedAndReceivedAsync();
        Two.DE.Clock.Advance(Duration.FromDays(46));

        var before = await Command(Two.DE, id, "deadline-check").Ok();
        Assert.True(before["deadlines"][0].GetProperty("missed").GetBoolean());
        Assert.Contains("recognition", before["actions"].EnumerateArray().Select(a => a.GetString()));
        // A second check finds the miss already recorded and records nothing more.
        var events = await Two.DE.EventCountAsync(id);
        await Command(Two.DE, id, "deadline-check").Ok();
        Assert.Equal(events, await Two.DE.EventCountAsync(id));

        await Until(Two.NL, id, r => r["deadlines"][0].GetProperty("missed").GetBoolean());
        Assert.Equal(["certificate_issued", "certificate_transmitted", "receipt_confirmed", "certificate_deadline_missed"], await HistoryTypes(Two.NL, id));

        // The deadlines view keeps the missed limit until the decision is taken.
        var listed = await Two.DE.Client.Get("/api/certificates/deadlines", Two.DE.Token("prosecutor")).Ok();
        var row = Assert.Single(listed.Json.EnumerateArray(), r => r.GetProperty("certificateId").GetGuid() == id);
        Assert.True(row.GetProperty("missed").GetBoolean());
        Assert.Equal("Reg (EU) 2018/1805 Art 20(1)", row.GetProperty("legalBasis").GetString());

        // Late, but still decided (Art 20(2): the executing authority decides as soon as possible).
        await Command(Two.DE, id, "recognition").Ok();
        await Until(Two.NL, id, r => r.Str("status") == "recognised");
        var after = await Two.DE.Client.Get("/api/certificates/deadlines", Two.DE.Token("prosecutor")).Ok();
        Assert.DoesNotContain(after.Json.EnumerateArray(), r => r.GetProperty("certificateId").GetGuid() == id);
        Assert.Equal(HttpStatusCode.BadRequest, (await Two.DE.Client.Get("/api/certificates/deadlines?before=soon", Two.DE.Token("prosecutor"))).Status);
    }

    [Fact]
    public async Task execution_reports_the_value_obtained_to_the_issuing_ledger()
    {
        var id = await Two.IssuedAndReceivedAsync(amount: "10000.01");
        await Command(Two.DE, id, "recognition").Ok();
        var executed = await Command(Two.DE, id, "execution", new { commandId = Guid.NewGuid(), value = Scenarios.Money("10000.01"), note = "Account debited" }).Ok();
        Assert.Equal("executed", executed.Str("status"));

        var nl = await Until(Two.NL, id, r => r.Str("status") == "executed");
        Assert.Equal("10000.01", nl["executedValue"].GetProperty("amount").GetString());
        Assert.Equal("EUR", nl["executedValue"].GetProperty("currency").GetString());
        Assert.Equal(3, nl["reports"].GetInt32());
    }

    [Fact]
    public async Task a_withdrawal_travels_to_the_executing_ledger_and_ends_the_certificate_there()
    {
        var id = await Two.IssuedAndReceivedAsync(kind: "freezing", amount: "5000.00");
        await Command(Two.NL, id, "withdrawal", new { commandId = Guid.NewGuid(), reason = "The suspect paid the amount voluntarily" }).Ok();

        var de = await Until(Two.DE, id, r => r.Str("status") == "withdrawn");
        Assert.Equal("The suspect paid the amount voluntarily", de.Str("withdrawalReason"));
        Assert.Empty(de["actions"].EnumerateArray());
        var refused = await Command(Two.DE, id, "recognition");
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
    }

    [Fact]
    public async Task a_certificate_of_another_jurisdiction_is_not_found_and_only_a_prosecutor_issues()
    {
        var id = await Two.IssuedAndReceivedAsync();
        var foreign = await Two.DE.Client.Get($"/api/certificates/{id}", Tokens.For("auditor", "ES", "UDEF"));
        Assert.Equal(HttpStatusCode.NotFound, foreign.Status);

        var byInvestigator = await Two.NL.Client.Post("/api/certificates", Certificate(Guid.NewGuid()), Two.NL.Token("investigator"));
        Assert.Equal(HttpStatusCode.Forbidden, byInvestigator.Status);
        var forAnotherState = await Two.NL.Client.Post("/api/certificates", Certificate(Guid.NewGuid()), Tokens.For("prosecutor", "ES", "UDEF"));
        Assert.Equal(HttpStatusCode.Forbidden, forAnotherState.Status);
    }

    [Fact]
    public async Task an_execution_under_one_certificate_of_an_order_lowers_what_the_others_may_recover()
    {
        // One order of EUR 15,000.00 with two certificates (Art 16(2)-(3)); both go to DE here, as two
        // ledgers are running, but the issuing ledger treats them as any two executing States.
        var reference = "RTM-MULTI-" + Guid.NewGuid().ToString("N")[..6];
        var first = await Two.IssuedAndReceivedAsync(amount: "10000.00", total: "15000.00", reference: reference);
        var second = await Two.IssuedAndReceivedAsync(amount: "10000.00", total: "15000.00", reference: reference);
        await Command(Two.DE, first, "recognition").Ok();
        await Command(Two.DE, second, "recognition").Ok();

        await Command(Two.DE, first, "execution", new { commandId = Guid.NewGuid(), value = Scenarios.Money("10000.00") }).Ok();

        var told = await Until(Two.DE, second, r => r["remainingNotified"].ValueKind == System.Text.Json.JsonValueKind.Object);
        Assert.Equal("5000.00", told["remainingNotified"].GetProperty("amount").GetString());
        Assert.Equal("5000.00", told["executionCap"].GetProperty("amount").GetString());
        var tooMuch = await Command(Two.DE, second, "execution", new { commandId = Guid.NewGuid(), value = Scenarios.Money("5000.01") });
        Assert.Equal(HttpStatusCode.Conflict, tooMuch.Status);
        Assert.Contains("Arts 16(2)-(3), 18(4)", tooMuch.Str("detail"));
        await Command(Two.DE, second, "execution", new { commandId = Guid.NewGuid(), value = Scenarios.Money("5000.00") }).Ok();

        await Until(Two.NL, second, r => r.Str("status") == "executed");
        Assert.Contains("remaining_amount_notified", await HistoryTypes(Two.NL, second));
        Assert.Equal(["certificate_received", "certificate_recognised", "remaining_amount_notified", "certificate_executed"], await HistoryTypes(Two.DE, second));
    }

    [Fact]
    public async Task the_background_sweep_records_a_missed_limit_once_without_anyone_asking()
    {
        var id = await Two.IssuedAndReceivedAsync();
        var sweep = Two.DE.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<AssetLedger.Api.Cooperation.CertificateDeadlineSweep>().Single();
        Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None)); // day 0: nothing has passed

        Two.DE.Clock.Advance(Duration.FromDays(46));
        Assert.True(await sweep.SweepAsync(CancellationToken.None) >= 1);
        await sweep.SweepAsync(CancellationToken.None); // again: this certificate's miss is recorded already
        Assert.Equal(["certificate_received", "certificate_deadline_missed"], await HistoryTypes(Two.DE, id));
        await Until(Two.NL, id, r => r["deadlines"][0].GetProperty("missed").GetBoolean());
    }
}
