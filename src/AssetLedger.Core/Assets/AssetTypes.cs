namespace AssetLedger.Assets;

// Enum values travel as lower snake_case strings (confiscation_ordered, bank_account, ...).

public enum AssetKind { Cash, BankAccount, RealEstate, Vehicle, Vessel, Aircraft, Crypto, Securities, Business, Goods, Other }

public enum AssetStatus { Identified, Frozen, Seized, ConfiscationOrdered, UnderAppeal, Confiscated, Realised, Released, Disposed }

public enum OrderType { Restraint, Confiscation, Release }

/// <summary>Status of an order as recorded on one asset. <c>Expired</c> is derived at read time from the clock.</summary>
public enum OrderStatus { InForce, UnderAppeal, Final, Quashed, Expired }

public enum ValuationMethod { Market, Appraisal, Book, FaceValue, Quote }

public enum AppealOutcome { Dismissed, Allowed }

public enum RealisationMethod { Sale, Auction, FundsTransfer, Cash }

public enum ReleaseReason { CourtOrder, OrderExpired, RecognitionRefused, ThirdPartyClaim, CapExceeded, Other }

public enum DisposalMethod { Destroyed, OfficialUse, TransferredInKind }

public static class AssetStatuses
{
    public static bool IsTerminal(this AssetStatus status) =>
        status is AssetStatus.Released or AssetStatus.Realised or AssetStatus.Disposed;

    /// <summary>The status as the API spells it (lower snake_case).</summary>
    public static string ToWire(this AssetStatus status) => Naming.SnakeCase(status.ToString());
}

public static class Naming
{
    /// <summary>An enum's values by their wire names (lower snake_case), in declaration order, worked out once per type.</summary>
    public static IReadOnlyDictionary<string, T> WireNames<T>() where T : struct, Enum => Wire<T>.Values;

    public static bool TryParseWire<T>(string s, out T value) where T : struct, Enum => Wire<T>.Values.TryGetValue(s, out value);

    private static class Wire<T> where T : struct, Enum
    {
        public static readonly IReadOnlyDictionary<string, T> Values =
            Enum.GetValues<T>().ToDictionary(v => SnakeCase(v.ToString()), v => v, StringComparer.Ordinal);
    }

    /// <summary>A control character other than tab, CR and LF: refused in every text the ledger stores.</summary>
    public static bool HasForbiddenControl(string s)
    {
        foreach (var c in s)
            if (char.IsControl(c) && c is not ('\t' or '\r' or '\n')) return true;
        return false;
    }

    public static string SnakeCase(string pascal)
    {
        var sb = new System.Text.StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
