namespace AssetLedger.Core.Distribution.Regimes;

using AssetLedger.Core.Money;

/// <summary>
/// <c>us-equitable</c>: US Department of Justice equitable sharing with participating state and local agencies
/// (21 U.S.C. 881(e)(1)(A) and (e)(3), 18 U.S.C. 981(e)(2), 28 U.S.C. 524(c); DOJ Asset Forfeiture Policy Manual
/// ch. 6 and the Guide to Equitable Sharing for State, Local, and Tribal Law Enforcement Agencies): shares follow each
/// agency's contribution, and all agencies together receive at most 80 % of the net proceeds (after costs).
/// Realisation costs (at most R) are deducted first and kept by us as <c>costs</c>; we keep the rest.
/// </summary>
internal sealed class UsEquitableRegime : ISharingRegime
{
    private const decimal CapPercent = 80m;

    public string Id => RegimeIds.UsEquitable;
    public string RuleVersion => Id + "@1";
    public bool NeedsCounterparty => false;

    public void ValidateParameters(RegimeParameters? parameters, ValidationErrors errors)
    {
        var p = RegimeParameterChecks.Expect<UsEquitableParameters>(Id, parameters, errors);
        if (p is null) return;
        if (p.Agencies is not { Count: > 0 }) { errors.Add("parameters.agencies", "at least one participating agency is required"); return; }
        for (var i = 0; i < p.Agencies.Count; i++)
        {
            InputValidation.CheckAgency($"parameters.agencies[{i}].agency", p.Agencies[i].Agency, errors);
            InputValidation.CheckPercent($"parameters.agencies[{i}].contributionPercent", p.Agencies[i].ContributionPercent, errors);
        }
        foreach (var dup in p.Agencies.GroupBy(a => a.Agency, StringComparer.Ordinal).Where(g => g.Count() > 1))
            errors.Add("parameters.agencies", $"agency '{dup.Key}' is listed more than once");
    }

    public IReadOnlyList<Allocation>? Apply(RegimeContext context)
    {
        var agencies = ((UsEquitableParameters)context.Input.Parameters!).Agencies;
        var allocations = new List<Allocation>();
        var net = context.DeductCosts(allocations, "US equitable sharing");
        var shares = RoundedShares(context, agencies, net);
        GiveUpExcess(context, agencies, shares, net);
        for (var i = 0; i < agencies.Count; i++)
            if (shares[i] > 0m)
                allocations.Add(new Allocation(AllocationKind.Share, new Payee(PayeeType.Agency, agencies[i].Agency), context.Of(shares[i]), Retained: false));
        return allocations;
    }

    /// <summary>Each agency's percentage of the net (scaled by 80/total when the total exceeds 80), half-up.</summary>
    private static decimal[] RoundedShares(RegimeContext context, IReadOnlyList<AgencyContribution> agencies, Money net)
    {
        var total = agencies.Sum(a => a.ContributionPercent);
        var scaled = total > CapPercent;
        if (scaled)
            context.Explain($"US equitable sharing: contributions add up to {Text.Percent(total)} > 80 %, so each is scaled by 80/{Text.Number(total)}.");
        return agencies.Select(a =>
        {
            var share = scaled
                ? context.HalfUpShare(net, a.ContributionPercent * CapPercent, total * 100m)
                : context.HalfUpShare(net, a.ContributionPercent, 100m);
            context.Explain($"US equitable sharing: agency {a.Agency} contributed {Text.Percent(a.ContributionPercent)}"
                            + (scaled ? $" (scaled: × 80/{Text.Number(total)})" : "")
                            + $" of {Text.Amount(net)} = {Text.Amount(share)}, {Text.HalfUp(context.Currency)}.");
            return share.Amount;
        }).ToArray();
    }

    /// <summary>
    /// The cap is 80 % of the net rounded DOWN to the minor unit, so agencies never get more than 80 %. Rounding
    /// excess is given up by the last agency (and, if its share is too small, by the one before it, and so on).
    /// </summary>
    private static void GiveUpExcess(RegimeContext context, IReadOnlyList<AgencyContribution> agencies, decimal[] shares, Money net)
    {
        var cap = Math.Round(net.Amount * CapPercent / 100m, context.MinorUnit, MidpointRounding.ToZero);
        var excess = shares.Sum() - cap;
        if (excess <= 0m) return;
        context.Explain($"US equitable sharing: rounded shares add up to {Text.Amount(context.Of(shares.Sum()))}, over the 80 % cap "
                        + $"{Text.Amount(context.Of(cap))} (80 % of {Text.Amount(net)} rounded down); the excess {Text.Amount(context.Of(excess))} is given up by the last agency.");
        for (var i = shares.Length - 1; i >= 0 && excess > 0m; i--)
        {
            var giveUp = Math.Min(shares[i], excess);
            shares[i] -= giveUp;
            excess -= giveUp;
            if (giveUp > 0m) context.Explain($"US equitable sharing: agency {agencies[i].Agency} gives up {Text.Amount(context.Of(giveUp))}.");
        }
    }
}
