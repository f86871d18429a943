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
