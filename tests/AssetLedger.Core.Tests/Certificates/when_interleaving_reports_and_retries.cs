using AssetLedger.Assets;
using AssetLedger.Certificates;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace AssetLedger.Tests.Certificates;

using static CertificateTestData;

/// <summary>One step of an exchange between the two ledgers, readable when a counterexample is printed.</summary>
public sealed record ExchangeStep(string Kind, int Pick)
{
    public override string ToString() => Kind is "deliver" or "replay" ? $"{Kind}#{Pick}" : Kind;
}

public sealed record Exchange(CertificateKind Kind, IReadOnlyList<ExchangeStep> Steps)
{
    public override string ToString() => $"{Kind}: [{string.Join(", ", Steps)}]";
}

public static class ExchangeArbitraries
{
    private static readonly string[] Kinds =
    [
        "consult", "recognise", "refuse", "partly", "postpone", "execute", "impossible", "sweep",
        "withdraw", "deliver", "deliver", "deliver", "replay", "deliver-withdrawal", "share", "pay",
    ];

    public static Arbitrary<Exchange> Exchanges() => Arb.From(
        from kind in Gen.Elements(CertificateKind.Freezing, CertificateKind.Confiscation)
        from steps in Gen.ListOf(from k in Gen.Elements(Kinds) from pick in Gen.Choose(0, 7) select new ExchangeStep(k, pick))
        select new Exchange(kind, steps.ToList()),
        e => Enumerable.Range(0, e.Steps.Count).Select(i => e with { Steps = [.. e.Steps.Take(i), .. e.Steps.Skip(i + 1)] }));
}

/// <summary>
/// The executing ledger decides, its reports travel to the issuing ledger through an outbox that
/// delivers them in any order, repeats them and retries refused ones; the issuing side may withdraw
/// at any time and its withdrawal arrives whenever. Once everything is delivered, both ledgers hold
/// the same status, the same reports, the same value and the same missed deadlines.
/// </summary>
public class when_interleaving_reports_and_retries
{
    private sealed class Ledgers(CertificateKind kind)
    {
        public Certificate Executing = Received(kind, urgent: true);
        public Certificate Issuing = Transmitted(kind);
        /// <summary>Every report the executing side produced, by number (1 = receipt); the outbox keeps those not yet accepted.</summary>
        public readonly List<ICertificateEvent> Sent = [new CertificateReceived(Id, kind, Details(kind, urgent: true), T0)];
        public readonly SortedSet<int> Pending = [1];
        public bool WithdrawalPending;
        public Instant Now = T0;

        public void Execute(CertificateCommand command)
        {
            if (CertificateDecider.Decide(command, Executing, Now) is not Decision.Accept accept) return;
            foreach (var e in accept.Events)
            {
                Executing = Certificate.Evolve(Executing, e, Executing.Version + 1, Now);
                if (!CertificateReports.IsReported(e)) continue;
                Sent.Add((ICertificateEvent)e);
                Pending.Add(Sent.Count);
                Assert.Equal(Sent.Count, Executing.Reports);
            }
        }

        public void Withdraw()
        {
            if (CertificateDecider.Decide(new WithdrawCertificate("order quashed"), Issuing, Now) is not Decision.Accept accept) return;
            foreach (var e in accept.Events) Issuing = Certificate.Evolve(Issuing, e, Issuing.Version + 1, Now);
            WithdrawalPending = true;
        }

        /// <summary>One delivery attempt of report <paramref name="n"/>: applied, a repeat (nothing appended) or early (stays in the outbox).</summary>
        public void Deliver(int n)
        {
            var before = Issuing.Version;
            var decision = CertificateDecider.Decide(new ApplyReport(n, Sent[n - 1]), Issuing, Now);
            if (decision is Decision.Refuse)
            {
                Assert.True(n > Issuing.Reports + 1, $"report {n} refused although it was next: {((Decision.Refuse)decision).Reason}");
                return;
            }
            var events = Assert.IsType<Decision.Accept>(decision).Events;
            if (n <= Issuing.Reports) Assert.Empty(events);
            foreach (var e in events) Issuing = Certificate.Evolve(Issuing, e, Issuing.Version + 1, Now);
            Assert.Equal(before + events.Count, Issuing.Version);
            Pending.Remove(n);
        }

        public void DeliverWithdrawal()
        {
            if (!WithdrawalPending) return;
            // Applied or refused (an executed confiscation), the message is answered and leaves the outbox.
            Execute(new ReceiveWithdrawal("order quashed"));
            WithdrawalPending = false;
        }
    }

    private static void Run(Exchange exchange)
    {
        var l = new Ledgers(exchange.Kind);
        var refusal = exchange.Kind == CertificateKind.Freezing ? "art8-1-c" : "art19-1-c";
        var postponement = exchange.Kind == CertificateKind.Freezing ? "art10-1-a" : "art21-1-a";
        var impossibility = exchange.Kind == CertificateKind.Freezing ? "art13-b" : "art22-3-b";
        foreach (var step in exchange.Steps)
        {
            l.Now += Duration.FromHours(30);
            switch (step.Kind)
            {
                case "consult": l.Execute(new ConsultIssuingAuthority("missing annex section", "completed")); break;
                case "recognise": l.Execute(new RecogniseCertificate()); break;
                case "refuse": l.Execute(new RefuseCertificate([refusal], "incomplete", false, null)); break;
                case "partly": l.Execute(new RefuseCertificate([refusal], "part only", true, Eur(200_000m))); break;
                case "postpone": l.Execute(new PostponeExecution([postponement], "investigation")); break;
                case "execute": l.Execute(new ExecuteCertificate(Eur(150_000m + step.Pick), null)); break;
                case "impossible": l.Execute(new DeclareExecutionImpossible([impossibility], "gone")); break;
                case "sweep": l.Execute(new RecordMissedDeadlines()); break;
                // Art 30(7) on an executed confiscation: a share (one allocation per pick) and payments of it.
                case "share": l.Execute(new RecordShare(Guid.Empty, Allocation(step.Pick % 2), Eur(75_000m + step.Pick), "eu-2018-1805", "half")); break;
                case "pay": l.Execute(new RecordShareSettlement(Guid.Empty, Allocation(step.Pick % 2), Eur(10_000m + step.Pick), new LocalDate(2026, 7, 1), $"TRX-{step.Pick}")); break;
                case "withdraw": l.Withdraw(); break;
                case "deliver" when l.Pending.Count > 0: l.Deliver(l.Pending.ElementAt(step.Pick % l.Pending.Count)); break;
                case "replay": l.Deliver(1 + step.Pick % l.Sent.Count); break;
                case "deliver-withdrawal": l.DeliverWithdrawal(); break;
            }
        }
        // The peers come back for good: the outboxes drain (oldest first), then nothing is left in flight.
        l.DeliverWithdrawal();
        while (l.Pending.Count > 0) l.Deliver(l.Pending.Min);

        Assert.Equal(l.Executing.Status, l.Issuing.Status);
        Assert.Equal(l.Executing.Reports, l.Issuing.Reports);
        Assert.Equal(l.Executing.ExecutedValue, l.Issuing.ExecutedValue);
        Assert.Equal(l.Executing.Consultations, l.Issuing.Consultations);
        Assert.Equal(l.Executing.MissedDeadlines, l.Issuing.MissedDeadlines);
        Assert.Equal(l.Executing.Refusal, l.Issuing.Refusal);
        Assert.Equal(l.Executing.ReceivedAt, l.Issuing.ReceivedAt);
        Assert.Equal(l.Executing.Shares.Select(x => (x.AllocationId, x.Due, x.Settled)), l.Issuing.Shares.Select(x => (x.AllocationId, x.Due, x.Settled)));
    }

    private static Guid Allocation(int i) => new($"0a000000-0000-0000-0000-00000000000{i}");

    [Property(Arbitrary = [typeof(ExchangeArbitraries)], MaxTest = 3000)]
    public void both_ledgers_end_in_the_same_state(Exchange exchange) => Run(exchange);

    [Fact]
    public void a_withdrawal_crossing_an_executed_confiscation_leaves_both_sides_executed()
    {
        Run(new Exchange(CertificateKind.Confiscation,
            [new("recognise", 0), new("withdraw", 0), new("execute", 0), new("deliver-withdrawal", 0), new("deliver", 2)]));
    }

    [Fact]
    public void a_withdrawal_crossing_an_executed_freezing_leaves_both_sides_withdrawn()
    {
        var l = new Exchange(CertificateKind.Freezing, [new("recognise", 0), new("withdraw", 0), new("execute", 0), new("deliver", 0)]);
        Run(l);
    }
}
