using AssetLedger.Api.Infrastructure;
using AssetLedger.Assets;
using AssetLedger.Core.Money;
using NodaTime;

namespace AssetLedger.Api.Web;

/// <summary>
/// Which asset commands a page offers: those whose API route the caller's role may call (the role
/// matrix) and that the lifecycle decider would accept in the asset's current state. No second
/// permission table and no second lifecycle: both answers come from the ones the API uses.
/// </summary>
public static class AssetActions
{
    public static string RouteKey(string command) => $"POST /api/assets/{{assetId}}/{command}";

    public static bool Offered(Caller caller, Asset asset, string command, LocalDate today) =>
        caller.RoleFor(RoleMatrix.Rules[RouteKey(command)]) is not null
        && AssetDecider.Decide(Probe(command, asset, today), asset) is Decision.Accept;

    /// <summary>A representative command of each kind: the decider's answer to it is whether the action applies now.</summary>
    private static AssetCommand Probe(string command, Asset asset, LocalDate today)
    {
        var now = today.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        var zero = new Money(0m, "EUR");
        var order = asset.ActiveConfiscation?.Order.OrderId ?? Guid.Empty;
        return command switch
        {
            "freeze" => new Freeze("probe", now, null, null),
            "seize" => new Seize("probe", "probe", now, null),
            "custody-transfers" => new TransferCustody("probe", "probe", now, null),
            "valuations" => new RecordValuation(zero, ValuationMethod.Market, "probe", today, null),
            "orders" => new RecordOrder(new CourtOrder(Guid.NewGuid(), OrderType.Restraint, "probe", "probe", today, null, null, null, [])),
            "appeals" => new LodgeAppeal(order, today),
            "appeal-decisions" => new DecideAppeal(order, AppealOutcome.Dismissed, today),
            "finality" => new RecordFinality(order, today),
            "realisation" => new Realise(zero, zero, RealisationMethod.Sale, today, null),
            "release" => new ReleaseAsset(ReleaseReason.CourtOrder, today, null),
            "disposal" => new DisposeAsset(DisposalMethod.Destroyed, today, null),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Not an asset command."),
        };
    }
}
