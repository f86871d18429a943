namespace AssetLedger.Core.Distribution.Regimes;

/// <summary>
/// <c>uk-aris</c>: the Home Office Asset Recovery Incentivisation Scheme (ARIS) for receipts under the Proceeds of
/// Crime Act 2002: 18.75 % to the investigating agency, 18.75 % to the prosecuting agency, 12.5 % to HMCTS, each
/// rounded half-up; the Home Office (our treasury) keeps the rest, nominally 50 %. Costs are not deducted.
/// Compensation to victims comes first (POCA 2002 s.13(5)-(6); done before this rule).
/// </summary>
internal sealed class UkArisRegime : ISharingRegime
{
    public const string Hmcts = "HMCTS";

    public string Id => RegimeIds.UkAris;
    public string RuleVersion => Id + "@1";
    public bool NeedsCounterparty => false;

    public void ValidateParameters(RegimeParameters? parameters, ValidationErrors errors)
    {
        var p = RegimeParameterChecks.Expect<UkArisParameters>(Id, parameters, errors);
        if (p is null) return;
        InputValidation.CheckAgency("parameters.investigatingAgency", p.InvestigatingAgency, errors);
        InputValidation.CheckAgency("parameters.prosecutingAgency", p.ProsecutingAgency, errors);
    }

    public IReadOnlyList<Allocation>? Apply(RegimeContext context)
    {
        var p = (UkArisParameters)context.Input.Parameters!;
        context.Explain("ARIS: costs are not deducted.");
        var allocations = new List<Allocation>();
        Add(context, allocations, "investigating agency", p.InvestigatingAgency, 18.75m);
        Add(context, allocations, "prosecuting agency", p.ProsecutingAgency, 18.75m);
        Add(context, allocations, "court service", Hmcts, 12.5m);
        return allocations;
    }

    private static void Add(RegimeContext context, List<Allocation> allocations, string role, string agency, decimal percent)
    {
        var share = context.HalfUpShare(context.Remainder, percent, 100m);
        context.Explain($"ARIS: {Text.Percent(percent)} of R {Text.Amount(context.Remainder)} to the {role} {agency} = "
                        + $"{Text.Amount(share)}, {Text.HalfUp(context.Currency)}.");
        if (share.Amount > 0m) allocations.Add(new Allocation(AllocationKind.Share, new Payee(PayeeType.Agency, agency), share, Retained: false));
    }
}
