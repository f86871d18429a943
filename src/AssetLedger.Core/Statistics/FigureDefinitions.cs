namespace AssetLedger.Statistics;

/// <summary>How a figure's value is read: a count of distinct items, amounts per currency, or a mean of days.</summary>
public enum FigureUnit { Count, Amount, MeanDays }

/// <summary>What a figure counts: its id (the drill-down route's <c>{figure}</c>), its legal source and its definition.</summary>
public sealed record FigureDefinition(string Id, FigureUnit Unit, string LegalSource, string Definition);

/// <summary>
/// The statutory figures, in the order every answer lists them. The definitions are the ones of
/// docs/statistics.md; a figure's value is always derived from its sources (<see cref="FigureSource"/>),
/// so the drill-down lists exactly what the figure counts.
/// </summary>
public static class Figures
{
    public const string AssetsFrozen = "assets_frozen";
    public const string FreezingOrders = "freezing_orders";
    public const string ValueFrozen = "value_frozen";
    public const string FrozenWithoutEstimate = "frozen_without_estimate";
    public const string ConfiscationOrders = "confiscation_orders";
    public const string AssetsConfiscationOrdered = "assets_confiscation_ordered";
    public const string ConfiscationOrdersFinal = "confiscation_orders_final";
    public const string AssetsConfiscated = "assets_confiscated";
    public const string ValueConfiscated = "value_confiscated";
    public const string ConfiscatedWithoutEstimate = "confiscated_without_estimate";
    public const string AssetsRealised = "assets_realised";
    public const string RealisedGross = "realised_gross";
    public const string RealisedCosts = "realised_costs";
    public const string RealisedReturned = "realised_returned_to_owner";
    public const string RealisedKept = "realised_kept";
    public const string DaysToRealisation = "days_to_realisation";
    public const string CasesPayingVictims = "cases_paying_victims";
    public const string PaidToVictims = "paid_to_victims";
    public const string ExecutionDays = "incoming_execution_days";

    private const string Dir = "Directive 2014/42/EU Art 11(2)";
    private const string Reg = "Regulation (EU) 2018/1805 Art 35(1)";

    /// <summary>Certificate figures: a direction (outgoing = issued by us, incoming = received) and a step.</summary>
    public static string Certificate(bool outgoing, string step) => $"certificates_{(outgoing ? "outgoing" : "incoming")}_{step}";

    public const string Issued = "issued", Received = "received", Recognised = "recognised", PartlyRefused = "partly_refused", Refused = "refused", Executed = "executed";

    public static readonly IReadOnlyList<FigureDefinition> All =
    [
        new(AssetsFrozen, FigureUnit.Count, Dir + "(a)", "Assets frozen: AssetFrozen events whose frozenAt falls, at its local date, in the period."),
        new(FreezingOrders, FigureUnit.Count, Dir + "(a)", "Freezing orders executed: distinct freezing order references of the assets frozen in the period."),
        new(ValueFrozen, FigureUnit.Amount, Dir + "(c)", "Estimated value frozen, at freezing: the freeze amount, else the latest valuation recorded on the asset before the freeze; per currency."),
        new(FrozenWithoutEstimate, FigureUnit.Count, Dir + "(c)", "Assets frozen in the period with neither a freeze amount nor an earlier valuation."),
        new(ConfiscationOrders, FigureUnit.Count, Dir + "(b)", "Confiscation orders made: distinct orders recorded on assets (ConfiscationOrdered) whose issuedOn is in the period."),
        new(AssetsConfiscationOrdered, FigureUnit.Count, Dir + "(b)", "Assets under a confiscation order made in the period (distinct assets)."),
        new(ConfiscationOrdersFinal, FigureUnit.Count, Dir + "(b)", "Confiscation orders executed: distinct orders that became final (ConfiscationOrderFinal) with finalOn in the period."),
        new(AssetsConfiscated, FigureUnit.Count, Dir + "(b)", "Assets confiscated: distinct assets whose confiscation order became final in the period."),
        new(ValueConfiscated, FigureUnit.Amount, Dir + "(d)", "Estimated value recovered at confiscation: the latest valuation recorded on the asset before finality; per currency."),
        new(ConfiscatedWithoutEstimate, FigureUnit.Count, Dir + "(d)", "Assets confiscated in the period without any valuation recorded before finality."),
        new(AssetsRealised, FigureUnit.Count, Dir + "(d)", "Assets realised: AssetRealised with realisedOn in the period."),
        new(RealisedGross, FigureUnit.Amount, Dir + "(d)", "Gross proceeds of the assets realised in the period; per currency."),
        new(RealisedCosts, FigureUnit.Amount, Dir + "(d)", "Realisation costs of the assets realised in the period; per currency."),
        new(RealisedReturned, FigureUnit.Amount, Dir + "(d)", "Proceeds returned to the owner, of the assets realised in the period; per currency."),
        new(RealisedKept, FigureUnit.Amount, Dir + "(d)", "Proceeds kept (gross − returned to owner) of the assets realised in the period; per currency."),
        new(DaysToRealisation, FigureUnit.MeanDays, Dir + "(d)", "Mean calendar days from the first freezing or seizure (local date) to realisedOn, for assets realised in the period; rounded half-up to 1 decimal."),
        new(CasesPayingVictims, FigureUnit.Count, Reg + "(c); Directive 2014/42/EU recital 35", "Cases with a distribution computed in the period (computedAt at its local date) that allocates money to victims."),
        new(PaidToVictims, FigureUnit.Amount, Reg + "(c); Directive 2014/42/EU recital 35", "Amounts allocated to victims by distributions computed in the period, one source per victim allocation; per currency."),
        .. CertificateFigures(),
        new(ExecutionDays, FigureUnit.MeanDays, Reg + "(d)", "Mean calendar days from receipt to execution (local dates) of incoming certificates executed in the period; rounded half-up to 1 decimal."),
    ];

    private static IEnumerable<FigureDefinition> CertificateFigures()
    {
        foreach (var outgoing in new[] { true, false })
        {
            var who = outgoing ? "issued by this State (executing State's decision, as reported to us)" : "received from another State (our decision)";
            var basis = Reg + (outgoing ? "(a)" : "(b)");
            yield return outgoing
                ? new(Certificate(true, Issued), FigureUnit.Count, basis, "Certificates issued by this State: CertificateIssued with issuedAt in the period.")
                : new(Certificate(false, Received), FigureUnit.Count, basis, "Certificates received from another State: CertificateReceived with receivedAt in the period.");
            yield return new(Certificate(outgoing, Recognised), FigureUnit.Count, basis, $"Certificates {who} recognised in full, decidedAt in the period.");
            yield return new(Certificate(outgoing, PartlyRefused), FigureUnit.Count, basis, $"Certificates {who} recognised in part, decidedAt in the period.");
            yield return new(Certificate(outgoing, Refused), FigureUnit.Count, basis, $"Certificates {who} refused, decidedAt in the period.");
            yield return new(Certificate(outgoing, Executed), FigureUnit.Count, basis, $"Certificates {who} executed, executedAt in the period.");
        }
    }

    private static readonly Dictionary<string, FigureDefinition> ById = All.ToDictionary(f => f.Id, StringComparer.Ordinal);

    public static FigureDefinition? Find(string id) => ById.GetValueOrDefault(id);
}
