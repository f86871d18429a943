namespace AssetLedger.Core.Distribution;

using AssetLedger.Core.Money;

/// <summary>
/// The EUR 10,000.00 threshold of Reg. (EU) 2018/1805 Art 30(7) and FD 2006/783/JHA Art 16(1), "or its equivalent".
/// R in another currency is converted with the rate of purpose <c>threshold</c> given as 1 EUR = rate X:
/// EUR amount = R / rate, rounded half-up to cents. A rate quoted the other way (1 X = rate EUR) is not used.
/// </summary>
internal static class EurThreshold
{
    public const decimal Amount = 10_000.00m;
    public const string Currency = "EUR";

    /// <summary>R in EUR, or null (with an <c>fx</c> error) when the threshold rate is missing or ambiguous.</summary>
    public static decimal? ToEur(RegimeContext context)
    {
        var r = context.Remainder;
        if (r.Currency == Currency) return r.Amount;
        if (r.Amount == 0m) return 0m;
        if (!context.Fx.TryFind(r.Currency, Currency, FxPurpose.Threshold, bothDirections: false, out var rate, out var error))
        {
            context.Errors.Add("fx", error + InverseHint(context, r.Currency));
            return null;
        }
        var eur = Rounding.HalfUp(r.Amount / rate!.Rate, 2);
        context.Explain($"Threshold conversion: R {Text.Amount(r)} / {Text.Number(rate.Rate)} = {Text.Amount(new Money(eur, Currency))} "
                        + $"at {Text.Rate(rate)}, {Text.HalfUp(Currency)}.");
        return eur;
    }

    private static string InverseHint(RegimeContext context, string other) =>
        context.Input.Rates.Any(r => r.Purpose == FxPurpose.Threshold && r.Base == other && r.Quote == Currency)
            ? $"; a {other}/{Currency} rate is not used for the threshold, give it as 1 {Currency} = x {other}"
            : "";
}
