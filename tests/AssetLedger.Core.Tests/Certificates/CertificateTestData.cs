using AssetLedger.Assets;
using AssetLedger.Certificates;
using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Tests.Certificates;

public static class CertificateTestData
{
    public static readonly Guid Id = Guid.Parse("0c000000-0000-0000-0000-000000000001");
    public static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 9, 0);

    public static Money Eur(decimal amount) => new(amount, "EUR");

    public static CertificateDetails Details(CertificateKind kind = CertificateKind.Confiscation, decimal? amount = 250_000m, bool urgent = false, decimal? total = null) =>
        new("NL", "DE", "Openbaar Ministerie Rotterdam", "RTM-2026-0042",
            new LocalDate(2026, 2, 1), kind == CertificateKind.Confiscation ? new LocalDate(2026, 2, 20) : null,
            amount is null ? null : Eur(amount.Value), total is null ? (amount is null ? null : Eur(amount.Value)) : Eur(total.Value),
            [new CertificateItem("Account at Deutsche Bank", new Dictionary<string, string> { ["iban"] = "DE89370400440532013000" }, "Frankfurt am Main")],
            [], urgent, VictimRestitution: false, ListedOffence.TraffickingInHumanBeings, null,
            new BankDetails("NL91ABNA0417164300", "ABNANL2A", "Ministerie van Justitie en Veiligheid"), null);

    /// <summary>Folds the events of a decision onto the state, versions counting on.</summary>
    public static Certificate? Apply(Certificate? state, Decision decision, Instant at)
    {
        var accepted = Assert.IsType<Decision.Accept>(decision);
        foreach (var e in accepted.Events) state = Certificate.Evolve(state, e, (state?.Version ?? 0) + 1, at);
        return state;
    }

    public static Certificate Run(Certificate? state, Instant at, params CertificateCommand[] commands)
    {
        foreach (var c in commands) state = Apply(state, CertificateDecider.Decide(c, state, at), at);
        return state!;
    }

    /// <summary>A confiscation certificate received by the executing side at <see cref="T0"/>.</summary>
    public static Certificate Received(CertificateKind kind = CertificateKind.Confiscation, decimal? amount = 250_000m, bool urgent = false) =>
        Run(null, T0, new ReceiveCertificate(Id, kind, Details(kind, amount, urgent)));

    public static Certificate Transmitted(CertificateKind kind = CertificateKind.Confiscation) =>
        Run(null, T0, new IssueCertificate(Id, kind, Details(kind)), new TransmitCertificate());

    public static string RefusalReason(Decision d) => Assert.IsType<Decision.Refuse>(d).Reason;

    public static IReadOnlyDictionary<string, string[]> Errors(Decision d) => Assert.IsType<Decision.Invalid>(d).Errors;

    public static object Single(Decision d) => Assert.Single(Assert.IsType<Decision.Accept>(d).Events);
}
