using AssetLedger.Assets;
using AssetLedger.Core.Money;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AssetLedger.Tests.Assets;

using static AssetLedger.Tests.Assets.AssetTestData;

/// <summary>
/// <see cref="AssetDecider.Offers"/> (what a screen offers) agrees with <see cref="AssetDecider.Decide"/>
/// in every state a random script reaches: a command the decider accepts is offered, and for every
/// offered command there is one the decider accepts.
/// </summary>
public class when_offering_asset_commands
{
    /// <summary>A well-formed command of each route name, built from the asset's own orders.</summary>
    private static AssetCommand Representative(string name, Asset asset)
    {
        var order = asset.ActiveConfiscation?.Order.OrderId ?? Guid.Empty;
        var zero = new Money(0m, "EUR");
        return name switch
        {
            "freeze" => new Freeze("RO-1", T0, null, null),
            "seize" => new Seize("Custodian", "Vault", T0, null),
            "custody-transfers" => new TransferCustody("Custodian B", "Vault 2", T0, null),
            "valuations" => new RecordValuation(zero, ValuationMethod.Market, "Valuer", D0, null),
            "orders" => new RecordOrder(Order(Guid.NewGuid(), OrderType.Restraint)),
            "appeals" => new LodgeAppeal(order, D0),
            "appeal-decisions" => new DecideAppeal(order, AppealOutcome.Dismissed, D0),
            "finality" => new RecordFinality(order, D0),
            "realisation" => new Realise(zero, zero, RealisationMethod.Sale, D0.PlusDays(90), null), // after any finality date of the scripts (a date before it is refused: invariant 2)
            "release" => new ReleaseAsset(ReleaseReason.CourtOrder, D0, null),
            "disposal" => new DisposeAsset(DisposalMethod.Destroyed, D0, null),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not an asset command."),
        };
    }

    private static readonly string[] Names =
        ["freeze", "seize", "custody-transfers", "valuations", "orders", "appeals", "appeal-decisions", "finality", "realisation", "release", "disposal"];

    [Property(MaxTest = 300)]
    public Property every_state_offers_exactly_what_the_decider_accepts() =>
        Prop.ForAll(LifecycleArbitraries.Scripts(), script =>
        {
            var asset = Fold([Registered()]);
            foreach (var step in script.Steps)
            {
                Check(asset);
                if (AssetDecider.Decide(step.ToCommand(), asset) is Decision.Accept accept) asset = Apply(asset, accept.Events);
            }
            Check(asset);
        });

    private static void Check(Asset asset)
    {
        var offers = AssetDecider.Offers(asset);
        foreach (var step in LifecycleArbitraries.Pool)
        {
            var command = step.ToCommand();
            if (AssetDecider.Decide(command, asset) is Decision.Accept)
                Assert.True(offers.Contains(command.Name), $"'{command.Name}' is accepted in '{asset.Status.ToWire()}' but not offered");
        }
        foreach (var name in Names)
        {
            var accepted = AssetDecider.Decide(Representative(name, asset), asset) is Decision.Accept;
            Assert.True(accepted == offers.Contains(name), $"'{name}' in '{asset.Status.ToWire()}': offered {offers.Contains(name)}, accepted {accepted}");
        }
    }

    [Fact]
    public void a_terminal_asset_offers_nothing_and_a_new_one_the_first_steps()
    {
        Assert.Empty(AssetDecider.Offers(Fold(HistoryFor(AssetStatus.Realised))));
        Assert.Equal(["custody-transfers", "freeze", "orders", "release", "seize", "valuations"], AssetDecider.Offers(Fold([Registered()])).Order());
    }
}
