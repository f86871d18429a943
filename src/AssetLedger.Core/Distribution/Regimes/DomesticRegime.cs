namespace AssetLedger.Core.Distribution.Regimes;

/// <summary>
/// <c>domestic</c>: a purely national confiscation; the proceeds left after victims go to our own treasury under
/// national law (e.g. NL Sr art. 36e with the victim rules of art. 36f / Sv art. 577b; UK POCA 2002 s.13).
/// </summary>
internal sealed class DomesticRegime : ISharingRegime
{
    public string Id => RegimeIds.Domestic;
    public string RuleVersion => Id + "@1";
    public bool NeedsCounterparty => false;

    public void ValidateParameters(RegimeParameters? parameters, ValidationErrors errors) =>
        RegimeParameterChecks.ExpectNone(Id, parameters, errors);

    public IReadOnlyList<Allocation>? Apply(RegimeContext context)
    {
        context.Explain($"Domestic: all of R stays with our treasury {context.Input.Jurisdiction}; costs are not deducted.");
        return [];
    }
}
