namespace AssetLedger.Core.Distribution;

using AssetLedger.Core.Distribution.Regimes;

/// <summary>The regimes by id.</summary>
internal static class SharingRegimes
{
    private static readonly IReadOnlyDictionary<string, ISharingRegime> ById = new ISharingRegime[]
    {
        new DomesticRegime(), new Eu2018_1805Regime(), new Fd2006_783Regime(), new BilateralRegime(),
        new Uncac57Regime(), new UsEquitableRegime(), new UkArisRegime(),
    }.ToDictionary(r => r.Id, StringComparer.Ordinal);

    public static ISharingRegime? Find(string? id) => id is not null && ById.TryGetValue(id, out var r) ? r : null;
}
