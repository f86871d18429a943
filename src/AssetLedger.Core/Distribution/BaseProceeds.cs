namespace AssetLedger.Core.Distribution;

using AssetLedger.Core.Money;

/// <summary>
/// Step 0: the base is the sum of the proceeds kept of the chosen assets, in one currency. Assets in another currency
/// than the target are converted one by one with a <c>conversion</c> rate, half-up to the target's minor unit.
/// </summary>
internal static class BaseProceeds
{
    public sealed record Computed(Money Base, Money RealisationCosts, IReadOnlyList<AssetInBase> Assets);

    public static Computed? Compute(DistributionInput input, FxBook fx, ValidationErrors errors, List<string> explanation)
    {
        var target = TargetCurrency(input, errors);
        if (target is null) return null;
        var assets = new List<AssetInBase>();
        foreach (var asset in input.Assets)
        {
            var proceeds = Convert(asset.ProceedsKept, target, fx, errors, explanation, $"asset {asset.AssetId} proceeds kept");
            var costs = Convert(asset.RealisationCosts, target, fx, errors, explanation, $"asset {asset.AssetId} realisation costs");
            if (proceeds is { } p && costs is { } c) assets.Add(new AssetInBase(asset.AssetId, asset.ProceedsKept, p, asset.RealisationCosts, c));
        }
        if (errors.Any) return null;
        var total = new Money(assets.Sum(a => a.ProceedsInBase.Amount), target);
        var costsTotal = new Money(assets.Sum(a => a.CostsInBase.Amount), target);
        explanation.Add($"Base: {Text.Amount(total)}, the proceeds kept (gross − returned to owner) of {assets.Count} realised asset(s); "
                        + $"their realisation costs are {Text.Amount(costsTotal)}.");
        return new Computed(total, costsTotal, assets);
    }

    private static string? TargetCurrency(DistributionInput input, ValidationErrors errors)
    {
        if (input.Currency is not null) return input.Currency;
        var currencies = input.Assets.Select(a => a.ProceedsKept.Currency).Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToList();
        if (currencies.Count == 1) return currencies[0];
        errors.Add("currency", $"required because the chosen assets are in different currencies ({string.Join(", ", currencies)})");
        errors.Add("fx", $"assets in {string.Join(", ", currencies)} need a target currency and a rate with purpose conversion for each other currency");
        return null;
    }

    private static Money? Convert(Money amount, string target, FxBook fx, ValidationErrors errors, List<string> explanation, string what)
    {
        if (!fx.TryConvert(amount, target, FxPurpose.Conversion, out var converted, out var rate, out var error))
        {
            errors.Add("fx", error!);
            return null;
        }
        if (rate is not null)
            explanation.Add($"Conversion: {what} {Text.Amount(amount)} = {Text.Amount(converted)} at {Text.Rate(rate)}, {Text.HalfUp(target)}.");
        return converted;
    }
}
