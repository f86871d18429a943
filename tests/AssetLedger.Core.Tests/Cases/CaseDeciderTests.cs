using AssetLedger.Assets;
using AssetLedger.Cases;
using NodaTime;

namespace AssetLedger.Tests.Cases;

using AssetLedger.Core.Money;
using static AssetLedger.Assets.AssetStatus;

public class CaseDeciderTests
{
    private static readonly Guid CaseId = Guid.Parse("0c000000-0000-0000-0000-000000000001");
    private static readonly Guid Asset1 = Guid.Parse("0a000000-0000-0000-0000-000000000001");
    private static readonly Guid Asset2 = Guid.Parse("0a000000-0000-0000-0000-000000000002");
    private static readonly Instant OpenedAt = Instant.FromUtc(2026, 1, 5, 9, 0);
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 1, 12, 0);

    private static Case Fold(params object[] events)
    {
        Case? state = null;
        long version = 0;
        foreach (var e in events) state = Case.Evolve(state, e, ++version);
        return state!;
    }

    private static CaseOpened Opened() =>
        new(CaseId, "NL-2026-0001", "Operation Tide", [Offence.MoneyLaundering], "NL", "NL-FIOD", ["NL-OM"], OpenedAt);

    private static Case OpenCase() => Fold(Opened(), new AssetAddedToCase(Asset1, AssetKind.BankAccount), new AssetAddedToCase(Asset2, AssetKind.Vehicle));

    private static Case ClosedCase()
    {
        var open = OpenCase();
        var accept = Assert.IsType<Decision.Accept>(CaseDecider.Close(open, "all assets dealt with", Now, [Realised, Released]));
        var closed = open;
        foreach (var e in accept.Events) closed = Case.Evolve(closed, e, closed.Version + 1);
        return closed;
    }

    public static TheoryData<AssetStatus[]> AllTerminal() => new()
    {
        new[] { Realised },
        new[] { Released },
        new[] { Disposed },
        new[] { Realised, Released, Disposed },
        new[] { Released, Released },
    };

    [Theory]
    [MemberData(nameof(AllTerminal))]
    public void Closing_with_every_asset_terminal_closes_the_case(AssetStatus[] statuses)
    {
        var open = OpenCase();
        var accept = Assert.IsType<Decision.Accept>(CaseDecider.Close(open, "proceeds distributed", Now, statuses));
        var closed = Assert.IsType<CaseClosed>(Assert.Single(accept.Events));
        Assert.Equal("proceeds distributed", closed.Reason);
        Assert.Equal(Now, closed.ClosedAt);

        var after = Case.Evolve(open, closed, open.Version + 1);
        Assert.Equal(CaseStatus.Closed, after.Status);
        Assert.Equal(Now, after.ClosedAt);
        Assert.Equal("proceeds distributed", after.CloseReason);
        Assert.Equal(open.Version + 1, after.Version);
    }

    [Theory]
    [InlineData(Identified, "identified")]
    [InlineData(Frozen, "frozen")]
    [InlineData(Seized, "seized")]
    [InlineData(ConfiscationOrdered, "confiscation_ordered")]
    [InlineData(UnderAppeal, "under_appeal")]
    [InlineData(Confiscated, "confiscated")]
    public void Closing_with_a_non_terminal_asset_is_refused_naming_its_status(AssetStatus open, string wire)
    {
        var refuse = Assert.IsType<Decision.Refuse>(CaseDecider.Close(OpenCase(), "done", Now, [Realised, open, Released]));
        Assert.Contains(wire, refuse.Reason);
        // Terminal statuses are not blamed.
        Assert.DoesNotContain("realised", refuse.Reason);
        Assert.DoesNotContain("released", refuse.Reason);
    }

    [Fact]
    public void Closing_with_several_non_terminal_assets_names_each_status()
    {
        var refuse = Assert.IsType<Decision.Refuse>(CaseDecider.Close(OpenCase(), "done", Now, [Seized, Disposed, Frozen, Seized]));
        Assert.Contains("frozen", refuse.Reason);
        Assert.Contains("seized", refuse.Reason);
        Assert.DoesNotContain("disposed", refuse.Reason);
    }

    [Fact]
    public void An_open_case_accepts_a_new_asset()
    {
        var asset3 = Guid.Parse("0a000000-0000-0000-0000-000000000003");
        var open = OpenCase();
        var added = Assert.IsType<AssetAddedToCase>(Assert.Single(Assert.IsType<Decision.Accept>(CaseDecider.AddAsset(open, asset3, AssetKind.Crypto)).Events));
        Assert.Equal(asset3, added.AssetId);
        Assert.Equal(AssetKind.Crypto, added.Kind);
        Assert.Equal([Asset1, Asset2, asset3], Case.Evolve(open, added, open.Version + 1).AssetIds);
        Assert.Null(CaseDecider.RequireOpen(open));
    }

    [Fact]
    public void A_closed_case_refuses_a_new_asset()
    {
        var refuse = Assert.IsType<Decision.Refuse>(CaseDecider.AddAsset(ClosedCase(), Guid.NewGuid(), AssetKind.Cash));
        Assert.Contains("'closed'", refuse.Reason);
    }

    [Fact]
    public void A_closed_case_refuses_closing_again()
    {
        var closed = ClosedCase();
        Assert.Equal(CaseStatus.Closed, closed.Status);
        var refuse = Assert.IsType<Decision.Refuse>(CaseDecider.Close(closed, "again", Now.Plus(Duration.FromDays(1)), [Released]));
        Assert.Contains("'closed'", refuse.Reason);
        Assert.IsType<Decision.Refuse>(CaseDecider.Close(closed, "again", Now, []));
        Assert.IsType<Decision.Refuse>(CaseDecider.RequireOpen(closed));
    }
}
