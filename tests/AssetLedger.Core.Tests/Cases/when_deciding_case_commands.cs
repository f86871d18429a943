using AssetLedger.Assets;
using AssetLedger.Cases;
using AssetLedger.Core.Distribution;
using FsCheck;
using FsCheck.Xunit;
using NodaTime;

namespace AssetLedger.Tests.Cases;

using AssetLedger.Core.Money;
using static AssetLedger.Assets.AssetStatus;

/// <summary><see cref="CaseDecider.Decide"/> pair by pair: every command on an open and on a closed case, every refusal, every acceptance.</summary>
public class when_deciding_case_commands
{
    private static readonly Guid CaseId = Guid.Parse("0c000000-0000-0000-0000-000000000001");
    private static readonly Guid Asset1 = Guid.Parse("0a000000-0000-0000-0000-000000000001");
    private static readonly Guid Asset2 = Guid.Parse("0a000000-0000-0000-0000-000000000002");
    /// <summary>In the case, never realised.</summary>
    private static readonly Guid Asset3 = Guid.Parse("0a000000-0000-0000-0000-000000000003");
    /// <summary>Not in the case.</summary>
    private static readonly Guid Foreign = Guid.Parse("0a000000-0000-0000-0000-0000000000ff");
    private static readonly Guid Claim1 = Guid.Parse("0e000000-0000-0000-0000-000000000001");
    private static readonly Guid Distribution1 = Guid.Parse("0f000000-0000-0000-0000-000000000001");
    private static readonly Guid Distribution2 = Guid.Parse("0f000000-0000-0000-0000-000000000002");
    private static readonly Instant OpenedAt = Instant.FromUtc(2026, 1, 5, 9, 0);
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 1, 12, 0);
    private static readonly LocalDate SettledOn = new(2026, 6, 15);
    private const string Lead = "NL-FIOD";
    private const string Closed = "The case is in status 'closed' and accepts no further commands.";
    private const string NotLead = "Only the lead agency of the case may add participating agencies.";

    private static Money Eur(decimal amount) => new(amount, "EUR");

    private static Case Fold(params object[] events)
    {
        Case? state = null;
        long version = 0;
        foreach (var e in events) state = Case.Evolve(state, e, ++version);
        return state!;
    }

    private static Case Apply(Case state, Decision decision) =>
        Assert.IsType<Decision.Accept>(decision).Events.Aggregate(state, (s, e) => Case.Evolve(s, e, s.Version + 1));

    private static CaseOpened Opened() =>
        new(CaseId, "NL-2026-0001", "Operation Tide", [Offence.MoneyLaundering], "NL", Lead, ["NL-OM"], OpenedAt);

    private static Case OpenCase() => Fold(Opened(), new AssetAddedToCase(Asset1, AssetKind.BankAccount), new AssetAddedToCase(Asset2, AssetKind.Vehicle));

    private static Case ClosedCase() => Apply(OpenCase(), CaseDecider.Decide(new CloseCase("all assets dealt with", Now, [Realised, Released]), OpenCase()));

    /// <summary>Three assets (the third never realised) and one victim claim of EUR 3 000.00.</summary>
    private static Case TreasuryCase() =>
        Fold(Opened(), new AssetAddedToCase(Asset1, AssetKind.BankAccount), new AssetAddedToCase(Asset2, AssetKind.Vehicle),
            new AssetAddedToCase(Asset3, AssetKind.Cash), new VictimClaimRegistered(Claim1, "V-1", Eur(3_000m), "compensation order", null));

    /// <summary>Listed in the order of loading, not the case's: the decider orders them as the case does.</summary>
    private static IReadOnlyList<RealisedAssetProceeds> BothRealised() =>
        [new(Asset2, Eur(5_000.01m), Eur(0m)), new(Asset1, Eur(10_000m), Eur(500m))];

    private static ComputeDistribution Bilateral(Guid distributionId, IReadOnlyList<Guid>? assetIds = null, IReadOnlyList<RealisedAssetProceeds>? realised = null,
        string regime = RegimeIds.Bilateral, string? counterparty = "DE") =>
        new(distributionId, "NL", regime, counterparty, new BilateralParameters(33.33m), assetIds, null, [], realised ?? BothRealised(), Now);

    private static DistributionComputed Computed(Decision decision) =>
        Assert.IsType<DistributionComputed>(Assert.Single(Assert.IsType<Decision.Accept>(decision).Events));

    private static void AssertRefused(string reason, Decision decision) =>
        Assert.Equal(reason, Assert.IsType<Decision.Refuse>(decision).Reason);

    /// <summary>One valid command of each kind.</summary>
    public static TheoryData<CaseCommand> EveryCommand() => new()
    {
        new AddAssetToCase(Guid.Parse("0a000000-0000-0000-0000-000000000009"), AssetKind.Crypto),
        new CloseCase("again", Now, []),
        new AddParticipatingAgency("BE-PJF", Lead),
        new RegisterVictimClaim(Claim1, "V-1", Eur(100m), "basis", 1),
        Bilateral(Distribution1),
        new SettleAllocation(Distribution1, Guid.NewGuid(), Eur(1m), SettledOn, "BANK-1"),
    };

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public void a_closed_case_refuses_every_command(CaseCommand command) =>
        AssertRefused(Closed, CaseDecider.Decide(command, ClosedCase()));

    [Fact]
    public void every_command_names_its_api_route_segment() =>
        Assert.Equal<string>(["assets", "close", "agencies", "victim-claims", "distributions", "settlements"],
            ((IEnumerable<object[]>)EveryCommand()).Select(row => ((CaseCommand)row[0]).Name));

    // ---- assets ------------------------------------------------------------------------------------------

    [Fact]
    public void An_open_case_accepts_a_new_asset()
    {
        var open = OpenCase();
        var decision = CaseDecider.Decide(new AddAssetToCase(Asset3, AssetKind.Crypto), open);
        Assert.Equal(new AssetAddedToCase(Asset3, AssetKind.Crypto), Assert.Single(Assert.IsType<Decision.Accept>(decision).Events));
        Assert.Equal([Asset1, Asset2, Asset3], Apply(open, decision).AssetIds);
    }

    [Fact]
    public void A_closed_case_refuses_a_new_asset() =>
        AssertRefused(Closed, CaseDecider.Decide(new AddAssetToCase(Guid.NewGuid(), AssetKind.Cash), ClosedCase()));

    // ---- closing ------------------------------------------------------------------------------------------

    public static TheoryData<AssetStatus[]> AllTerminal() => new()
    {
        new[] { Realised },
        new[] { Released },
        new[] { Disposed },
        new[] { Realised, Released, Disposed },
        new[] { Released, Released },
        Array.Empty<AssetStatus>(),
    };

    [Theory]
    [MemberData(nameof(AllTerminal))]
    public void Closing_with_every_asset_terminal_closes_the_case(AssetStatus[] statuses)
    {
        var open = OpenCase();
        var decision = CaseDecider.Decide(new CloseCase("proceeds distributed", Now, statuses), open);
        Assert.Equal(new CaseClosed("proceeds distributed", Now), Assert.Single(Assert.IsType<Decision.Accept>(decision).Events));

        var after = Apply(open, decision);
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
    public void Closing_with_a_non_terminal_asset_is_refused_naming_its_status(AssetStatus open, string wire) =>
        // Terminal statuses are not blamed.
        AssertRefused($"The case cannot be closed while assets are not terminal (statuses: {wire}).",
            CaseDecider.Decide(new CloseCase("done", Now, [Realised, open, Released]), OpenCase()));

    [Fact]
    public void Closing_with_several_non_terminal_assets_names_each_status_once_in_order() =>
        AssertRefused("The case cannot be closed while assets are not terminal (statuses: frozen, seized).",
            CaseDecider.Decide(new CloseCase("done", Now, [Seized, Disposed, Frozen, Seized]), OpenCase()));

    [Fact]
    public void Closing_with_unsettled_allocations_is_refused_until_they_are_paid()
    {
        var state = Apply(TreasuryCase(), CaseDecider.Decide(Bilateral(Distribution1), TreasuryCase()));
        var allocations = state.Distributions.Single().Allocations;
        var close = new CloseCase("done", Now, [Realised, Realised, Released]);
        // Victim 3 000.00 and DE 3 999.60 are owed; what we retain is not.
        AssertRefused("The case cannot be closed while 2 allocation(s) of its distributions are not fully settled.", CaseDecider.Decide(close, state));

        state = Apply(state, CaseDecider.Decide(new SettleAllocation(Distribution1, allocations[0].AllocationId, Eur(3_000m), SettledOn, "B-1"), state));
        state = Apply(state, CaseDecider.Decide(new SettleAllocation(Distribution1, allocations[1].AllocationId, Eur(3_999m), SettledOn, "B-2"), state));
        AssertRefused("The case cannot be closed while 1 allocation(s) of its distributions are not fully settled.", CaseDecider.Decide(close, state));

        state = Apply(state, CaseDecider.Decide(new SettleAllocation(Distribution1, allocations[1].AllocationId, Eur(0.60m), SettledOn, "B-3"), state));
        Assert.Equal(new CaseClosed("done", Now), Assert.Single(Assert.IsType<Decision.Accept>(CaseDecider.Decide(close, state)).Events));
    }

    [Fact]
    public void Non_terminal_assets_are_named_before_unsettled_allocations()
    {
        var state = Apply(TreasuryCase(), CaseDecider.Decide(Bilateral(Distribution1), TreasuryCase()));
        AssertRefused("The case cannot be closed while assets are not terminal (statuses: seized).",
            CaseDecider.Decide(new CloseCase("done", Now, [Realised, Realised, Seized]), state));
    }

    [Fact]
    public void A_closed_case_refuses_closing_again()
    {
        var closed = ClosedCase();
        Assert.Equal(CaseStatus.Closed, closed.Status);
        AssertRefused(Closed, CaseDecider.Decide(new CloseCase("again", Now.Plus(Duration.FromDays(1)), [Released]), closed));
        AssertRefused(Closed, CaseDecider.Decide(new CloseCase("again", Now, [Seized]), closed));
    }

    // ---- participating agencies ---------------------------------------------------------------------------

    [Fact]
    public void The_lead_agency_adds_a_participating_agency()
    {
        var open = OpenCase();
        var decision = CaseDecider.Decide(new AddParticipatingAgency("BE-PJF", Lead), open);
        Assert.Equal(new ParticipatingAgencyAdded("BE-PJF"), Assert.Single(Assert.IsType<Decision.Accept>(decision).Events));
        var after = Apply(open, decision);
        Assert.Equal(["NL-OM", "BE-PJF"], after.ParticipatingAgencies);
        Assert.Equal(["NL-FIOD", "NL-OM", "BE-PJF"], after.Agencies);
    }

    [Theory]
    [InlineData("NL-OM")]
    [InlineData(null)]
    [InlineData("nl-fiod")]
    [InlineData("")]
    public void Only_the_lead_agency_may_add_agencies(string? requestedBy) =>
        AssertRefused(NotLead, CaseDecider.Decide(new AddParticipatingAgency("BE-PJF", requestedBy), OpenCase()));

    [Fact]
    public void The_lead_agency_check_comes_before_the_closed_check() =>
        AssertRefused(NotLead, CaseDecider.Decide(new AddParticipatingAgency("BE-PJF", "NL-OM"), ClosedCase()));

    [Fact]
    public void The_closed_check_comes_before_the_duplicate_check() =>
        AssertRefused(Closed, CaseDecider.Decide(new AddParticipatingAgency("NL-OM", Lead), ClosedCase()));

    [Theory]
    [InlineData("NL-OM")]
    [InlineData(Lead)]
    public void An_agency_that_already_has_access_is_refused(string agency) =>
        AssertRefused($"Agency '{agency}' already has access to the case.", CaseDecider.Decide(new AddParticipatingAgency(agency, Lead), OpenCase()));

    [Theory]
    [InlineData(Lead, true)]
    [InlineData("NL-OM", false)]
    [InlineData("nl-fiod", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_lead_agency_is_recognised_exactly(string? agency, bool lead) =>
        Assert.Equal(lead, CaseDecider.IsLeadAgency(OpenCase(), agency));

    // ---- victim claims ------------------------------------------------------------------------------------

    [Fact]
    public void An_open_case_registers_a_victim_claim()
    {
        var open = OpenCase();
        var decision = CaseDecider.Decide(new RegisterVictimClaim(Claim1, "V-7", Eur(1_234.56m), "compensation order", 2), open);
        Assert.Equal(new VictimClaimRegistered(Claim1, "V-7", Eur(1_234.56m), "compensation order", 2),
            Assert.Single(Assert.IsType<Decision.Accept>(decision).Events));
        var claim = Assert.Single(Apply(open, decision).VictimClaims);
        Assert.Equal(new VictimClaim(Claim1, "V-7", Eur(1_234.56m), "compensation order", 2, 1, Eur(0m)), claim);
    }

    [Fact]
    public void A_claim_id_is_registered_once() =>
        AssertRefused($"Claim {Claim1} is already registered.",
            CaseDecider.Decide(new RegisterVictimClaim(Claim1, "V-2", Eur(1m), "other", null), TreasuryCase()));

    [Fact]
    public void A_closed_case_refuses_a_victim_claim() =>
        AssertRefused(Closed, CaseDecider.Decide(new RegisterVictimClaim(Guid.NewGuid(), "V-2", Eur(1m), "b", null), ClosedCase()));

    [Fact]
    public void The_victim_pseudonym_stays_out_of_the_command_text() =>
        Assert.DoesNotContain("V-SECRET", new RegisterVictimClaim(Claim1, "V-SECRET", Eur(1m), "b", null).ToString());

    // ---- distributions ------------------------------------------------------------------------------------

    [Fact]
    public void A_distribution_pays_the_victim_first_then_shares_the_rest_to_the_cent()
    {
        var state = TreasuryCase();
        var computed = Computed(CaseDecider.Decide(Bilateral(Distribution1), state));

        Assert.Equal(Distribution1, computed.DistributionId);
        Assert.Equal(Now, computed.ComputedAt);
        // The input as the calculator saw it: the case's order of assets, the outstanding claims.
        Assert.Equal("NL", computed.Input.Jurisdiction);
        Assert.Equal([new(Asset1, Eur(10_000m), Eur(500m)), new RealisedAssetProceeds(Asset2, Eur(5_000.01m), Eur(0m))], computed.Input.Assets);
        Assert.Equal([new OutstandingVictimClaim(Claim1, "V-1", Eur(3_000m), null, 1)], computed.Input.VictimClaims);
        Assert.Equal(Eur(15_000.01m), computed.Result.Base);
        Assert.Equal(Eur(12_000.01m), computed.Result.Remainder);
        // R 12 000.01 × 33.33 % = 3 999.6033… → 3 999.60 to DE; we keep the rest, 8 000.41.
        Assert.Equal(
            [
                new Allocation(AllocationKind.Victim, new Payee(PayeeType.Victim, "V-1"), Eur(3_000m), false, Claim1, Eur(3_000m)),
                new Allocation(AllocationKind.Share, new Payee(PayeeType.State, "DE"), Eur(3_999.60m), false),
                new Allocation(AllocationKind.Share, new Payee(PayeeType.Treasury, "NL"), Eur(8_000.41m), true),
            ],
            computed.Allocations.Select(a => a.Allocation));
        Assert.Equal(computed.Result.Allocations, computed.Allocations.Select(a => a.Allocation));

        var after = Case.Evolve(state, computed, state.Version + 1);
        Assert.Equal([Asset1, Asset2], after.DistributedAssetIds);
        Assert.Equal(Eur(0m), after.VictimClaims.Single().Outstanding);
    }

    [Fact]
    public void Allocation_ids_are_derived_from_the_distribution_id_and_the_position()
    {
        var first = Computed(CaseDecider.Decide(Bilateral(Distribution1), TreasuryCase())).Allocations.Select(a => a.AllocationId).ToList();
        var again = Computed(CaseDecider.Decide(Bilateral(Distribution1), TreasuryCase())).Allocations.Select(a => a.AllocationId).ToList();
        var other = Computed(CaseDecider.Decide(Bilateral(Distribution2), TreasuryCase())).Allocations.Select(a => a.AllocationId).ToList();

        Assert.Equal(3, first.Count);
        Assert.Equal(first, again);
        Assert.Equal(first.Count, first.Distinct().Count());
        Assert.Empty(first.Intersect(other));
        Assert.Equal([CaseDecider.AllocationId(Distribution1, 0), CaseDecider.AllocationId(Distribution1, 1), CaseDecider.AllocationId(Distribution1, 2)], first);
        Assert.All(first.Concat(other), id =>
        {
            Assert.Equal(8, id.Version);
            Assert.Equal(0x80, id.ToByteArray(bigEndian: true)[8] & 0xC0);
        });
    }

    [Fact]
    public void Without_a_list_every_realised_asset_not_yet_distributed_is_chosen()
    {
        var state = Apply(TreasuryCase(), CaseDecider.Decide(Bilateral(Distribution1, assetIds: [Asset2]), TreasuryCase()));
        var second = Computed(CaseDecider.Decide(Bilateral(Distribution2), state));
        Assert.Equal([new RealisedAssetProceeds(Asset1, Eur(10_000m), Eur(500m))], second.Input.Assets);
        Assert.Empty(second.Input.VictimClaims); // paid in full by the first distribution
        AssertRefused("Nothing left to distribute: every realised asset of the case is already in a distribution.",
            CaseDecider.Decide(Bilateral(Guid.NewGuid()), Apply(state, CaseDecider.Decide(Bilateral(Distribution2), state))));
    }

    [Fact]
    public void Without_a_list_and_nothing_realised_there_is_nothing_left() =>
        AssertRefused("Nothing left to distribute: every realised asset of the case is already in a distribution.",
            CaseDecider.Decide(Bilateral(Distribution1, realised: []), TreasuryCase()));

    [Fact]
    public void An_empty_list_is_refused() =>
        AssertRefused("Nothing to distribute: assetIds is empty.", CaseDecider.Decide(Bilateral(Distribution1, assetIds: []), TreasuryCase()));

    [Fact]
    public void An_asset_of_another_case_is_refused_even_when_the_caller_lists_it_as_realised() =>
        AssertRefused($"Asset {Foreign} is not part of case {CaseId}.",
            CaseDecider.Decide(Bilateral(Distribution1, assetIds: [Asset1, Foreign],
                realised: [.. BothRealised(), new RealisedAssetProceeds(Foreign, Eur(1m), Eur(0m))]), TreasuryCase()));

    [Fact]
    public void An_asset_that_is_not_realised_is_refused() =>
        AssertRefused($"Asset {Asset3} is not realised.", CaseDecider.Decide(Bilateral(Distribution1, assetIds: [Asset3, Foreign]), TreasuryCase()));

    [Fact]
    public void An_asset_already_distributed_is_refused()
    {
        var state = Apply(TreasuryCase(), CaseDecider.Decide(Bilateral(Distribution1, assetIds: [Asset2]), TreasuryCase()));
        AssertRefused($"Asset {Asset2} is already in a distribution.", CaseDecider.Decide(Bilateral(Distribution2, assetIds: [Asset1, Asset2]), state));
    }

    [Fact]
    public void Invalid_input_is_answered_with_the_calculators_field_errors()
    {
        var invalid = Assert.IsType<Decision.Invalid>(CaseDecider.Decide(Bilateral(Distribution1, counterparty: null), TreasuryCase()));
        Assert.Equal(["counterparty"], invalid.Errors.Keys);
        Assert.Equal(["required for regime bilateral (ISO 3166-1 alpha-2 code of the other State)"], invalid.Errors["counterparty"]);
        Assert.Equal(["regime"], Assert.IsType<Decision.Invalid>(CaseDecider.Decide(Bilateral(Distribution1, regime: "nope"), TreasuryCase())).Errors.Keys);
    }

    [Fact]
    public void Proceeds_that_add_up_to_zero_leave_nothing_to_distribute() =>
        AssertRefused("the proceeds kept of the chosen assets add up to zero",
            CaseDecider.Decide(Bilateral(Distribution1, realised: [new(Asset1, Eur(0m), Eur(10m))]), TreasuryCase()));

    [Fact]
    public void A_closed_case_refuses_a_distribution() =>
        AssertRefused(Closed, CaseDecider.Decide(Bilateral(Distribution1), ClosedCase()));

    // ---- settlements --------------------------------------------------------------------------------------

    private static Case Distributed() => Apply(TreasuryCase(), CaseDecider.Decide(Bilateral(Distribution1), TreasuryCase()));

    [Fact]
    public void A_partial_settlement_is_recorded()
    {
        var state = Distributed();
        var de = state.Distributions.Single().Allocations[1];
        var decision = CaseDecider.Decide(new SettleAllocation(Distribution1, de.AllocationId, Eur(1_000m), SettledOn, "BANK-1"), state);
        Assert.Equal(new AllocationSettled(Distribution1, de.AllocationId, Eur(1_000m), SettledOn, "BANK-1"),
            Assert.Single(Assert.IsType<Decision.Accept>(decision).Events));
        Assert.Equal(Eur(2_999.60m), Apply(state, decision).Distributions.Single().Allocations[1].Remaining);
    }

    [Fact]
    public void A_settlement_of_an_unknown_distribution_is_refused() =>
        AssertRefused($"No distribution {Distribution2} in case {CaseId}.",
            CaseDecider.Decide(new SettleAllocation(Distribution2, Guid.NewGuid(), Eur(1m), SettledOn, "B"), Distributed()));

    [Fact]
    public void A_settlement_of_an_unknown_allocation_is_refused()
    {
        var unknown = Guid.Parse("0b000000-0000-0000-0000-000000000001");
        AssertRefused($"Allocation {unknown} is not part of distribution {Distribution1}.",
            CaseDecider.Decide(new SettleAllocation(Distribution1, unknown, Eur(1m), SettledOn, "B"), Distributed()));
    }

    [Fact]
    public void A_settlement_of_what_we_retain_is_refused()
    {
        var state = Distributed();
        AssertRefused("This allocation is retained by our own treasury; there is nothing to pay out.",
            CaseDecider.Decide(new SettleAllocation(Distribution1, state.Distributions.Single().Allocations[2].AllocationId, Eur(1m), SettledOn, "B"), state));
    }

    [Fact]
    public void A_settlement_in_another_currency_is_refused()
    {
        var state = Distributed();
        AssertRefused("The allocation is in EUR; a settlement in USD cannot be applied.",
            CaseDecider.Decide(new SettleAllocation(Distribution1, state.Distributions.Single().Allocations[1].AllocationId, new Money(1m, "USD"), SettledOn, "B"), state));
    }

    [Fact]
    public void Over_settlement_is_refused()
    {
        var state = Distributed();
        var de = state.Distributions.Single().Allocations[1].AllocationId;
        state = Apply(state, CaseDecider.Decide(new SettleAllocation(Distribution1, de, Eur(3_000m), SettledOn, "B-1"), state));
        AssertRefused("Settling EUR 999.61 would exceed the allocation: EUR 3000.00 of EUR 3999.60 is already settled.",
            CaseDecider.Decide(new SettleAllocation(Distribution1, de, Eur(999.61m), SettledOn, "B-2"), state));
        Assert.IsType<Decision.Accept>(CaseDecider.Decide(new SettleAllocation(Distribution1, de, Eur(999.60m), SettledOn, "B-2"), state));
    }

    [Fact]
    public void A_closed_case_refuses_a_settlement() =>
        AssertRefused(Closed, CaseDecider.Decide(new SettleAllocation(Distribution1, Guid.NewGuid(), Eur(1m), SettledOn, "B"), ClosedCase()));

    // ---- property -----------------------------------------------------------------------------------------

    private static CaseCommand[] Commands(Guid id, string text, decimal amount, string? requestedBy) =>
        [
            new AddAssetToCase(id, AssetKind.Goods),
            new CloseCase(text, Now, []),
            new CloseCase(text, Now, [Seized]),
            new AddParticipatingAgency(text, requestedBy),
            new AddParticipatingAgency("NL-OM", Lead),
            new RegisterVictimClaim(id, text, Eur(amount), text, null),
            new ComputeDistribution(id, "NL", RegimeIds.Domestic, null, null, null, null, [], BothRealised(), Now),
            new ComputeDistribution(id, "NL", text, text, null, [Asset1], "EUR", [], BothRealised(), Now),
            new SettleAllocation(id, id, Eur(amount), SettledOn, text)];

    /// <summary>
    /// On a closed case every command is refused: with the closed message, except an agency request from
    /// someone other than the lead agency, which is told that first.
    /// </summary>
    [Property(MaxTest = 500)]
    public void On_a_closed_case_every_command_is_refused(byte which, Guid id, NonNull<string> text, decimal amount, bool fromLead, bool withTreasury)
    {
        var closed = withTreasury ? CloseAfterDistributing() : ClosedCase();
        var commands = Commands(id, text.Get, Math.Round(Math.Abs(amount), 2), fromLead ? Lead : text.Get);
        var command = commands[which % commands.Length];
        // A distribution request with errors of its own is invalid (400) before the closed case refuses it (409).
        if (command is ComputeDistribution c && !RegimeIds.All.Contains(c.Regime))
        {
            Assert.IsType<Decision.Invalid>(CaseDecider.Decide(command, closed));
            return;
        }
        var refuse = Assert.IsType<Decision.Refuse>(CaseDecider.Decide(command, closed));
        var expected = command is AddParticipatingAgency a && !CaseDecider.IsLeadAgency(closed, a.RequestedBy) ? NotLead : Closed;
        Assert.Equal(expected, refuse.Reason);
    }

    /// <summary>A closed case with a settled distribution and a paid claim behind it.</summary>
    private static Case CloseAfterDistributing()
    {
        var state = Distributed();
        foreach (var a in state.Distributions.Single().Allocations.Where(a => !a.Allocation.Retained).ToList())
            state = Apply(state, CaseDecider.Decide(new SettleAllocation(Distribution1, a.AllocationId, a.Allocation.Amount, SettledOn, "B"), state));
        return Apply(state, CaseDecider.Decide(new CloseCase("paid", Now, [Realised, Realised, Disposed]), state));
    }
}
