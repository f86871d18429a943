using AssetLedger.Assets;
using static AssetLedger.Tests.Assets.AssetTestData;

namespace AssetLedger.Tests.Assets;

/// <summary>
/// <see cref="Asset.HasDeadlines"/> is stored and indexed for the deadline list, so it must be true
/// exactly when the list has something for the asset: an order that still binds (not quashed, not
/// final) carries an expiry or a deadline, and the asset is not in a terminal status.
/// </summary>
public class when_an_asset_has_deadlines
{
    // The histories' restraint order expires six months after it was issued; the confiscation order has no expiry.
    [Theory]
    [InlineData(AssetStatus.Identified, false)]  // no order
    [InlineData(AssetStatus.Seized, false)]      // seized without an order
    [InlineData(AssetStatus.Frozen, true)]       // the restraint's expiry
    [InlineData(AssetStatus.ConfiscationOrdered, true)]
    [InlineData(AssetStatus.UnderAppeal, true)]
    [InlineData(AssetStatus.Confiscated, true)]  // the restraint still binds
    [InlineData(AssetStatus.Realised, false)]    // terminal
    [InlineData(AssetStatus.Disposed, false)]
    [InlineData(AssetStatus.Released, false)]
    public void it_follows_the_binding_orders_and_the_status(AssetStatus status, bool expected)
    {
        var asset = AssetIn(status);

        Assert.Equal(status, asset.Status);
        Assert.Equal(expected, asset.HasDeadlines);
    }

    private static readonly CourtOrder ConfiscationWithDeadline =
        Order(ConfiscationId, OrderType.Confiscation) with { Deadlines = [new OrderDeadline("recognition", D0.PlusDays(40))] };

    private static Asset Ordered() =>
        Fold([Registered(), new AssetSeized("Custodian A", "Vault 1", T0, null), new ConfiscationOrdered(ConfiscationWithDeadline, AssetStatus.Seized)]);

    [Fact]
    public void a_deadline_on_an_order_in_force_or_under_appeal_counts()
    {
        Assert.True(Ordered().HasDeadlines);
        Assert.True(Apply(Ordered(), [new AppealLodged(ConfiscationId, D0)]).HasDeadlines);
        Assert.True(Apply(Ordered(), [new AppealLodged(ConfiscationId, D0), new AppealDismissed(ConfiscationId, D0.PlusDays(1))]).HasDeadlines);
    }

    [Fact]
    public void a_deadline_on_a_final_or_quashed_order_does_not()
    {
        var final = Apply(Ordered(), [new ConfiscationOrderFinal(ConfiscationId, D0.PlusDays(30))]);
        var quashed = Apply(Ordered(), [new AppealLodged(ConfiscationId, D0), new AppealAllowed(ConfiscationId, D0.PlusDays(1), AssetStatus.Seized)]);

        Assert.Equal((AssetStatus.Confiscated, false), (final.Status, final.HasDeadlines));
        Assert.Equal((AssetStatus.Seized, false), (quashed.Status, quashed.HasDeadlines));
        Assert.Single(final.Orders); // the order is still on the asset, only no longer binding
        Assert.Empty(final.BindingOrders());
    }
}
