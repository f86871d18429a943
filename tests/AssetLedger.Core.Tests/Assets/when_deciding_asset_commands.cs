using AssetLedger.Assets;

namespace AssetLedger.Tests.Assets;

using AssetLedger.Core.Money;
using static AssetLedger.Assets.AssetStatus;
using static AssetLedger.Tests.Assets.AssetTestData;

/// <summary>
/// Every asset command against every asset status, checked against the lifecycle of domain.md and the
/// command table of api.md, written out below as an explicit transition table.
/// </summary>
public class when_deciding_asset_commands
{
    /// <summary>Marks "back to the status before the confiscation order" (frozen or seized) in the table.</summary>
    private const AssetStatus BeforeConfiscation = (AssetStatus)(-1);

    /// <summary>The statuses as the API spells them, written out (not derived with ToWire).</summary>
    public static readonly IReadOnlyDictionary<AssetStatus, string> Wire = new Dictionary<AssetStatus, string>
    {
        [Identified] = "identified",
        [Frozen] = "frozen",
        [Seized] = "seized",
        [ConfiscationOrdered] = "confiscation_ordered",
        [UnderAppeal] = "under_appeal",
        [Confiscated] = "confiscated",
        [Realised] = "realised",
        [Released] = "released",
        [Disposed] = "disposed",
    };

    /// <summary>
    /// The spec: command → (from → to). A (command, status) pair that is not listed must be refused.
    /// Released, realised and disposed are terminal and appear in no row.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<AssetStatus, AssetStatus>> Expected =
        new Dictionary<string, IReadOnlyDictionary<AssetStatus, AssetStatus>>
        {
            ["freeze"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [Identified] = Frozen,
            },
            ["seize"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [Identified] = Seized,
                [Frozen] = Seized,
            },
            ["custody-transfer"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [Identified] = Identified,
                [Frozen] = Frozen,
                [Seized] = Seized,
                [ConfiscationOrdered] = ConfiscationOrdered,
                [UnderAppeal] = UnderAppeal,
                [Confiscated] = Confiscated,
            },
            ["valuation"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [Identified] = Identified,
                [Frozen] = Frozen,
                [Seized] = Seized,
                [ConfiscationOrdered] = ConfiscationOrdered,
                [UnderAppeal] = UnderAppeal,
                [Confiscated] = Confiscated,
            },
            ["order:restraint"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [Identified] = Identified,
                [Frozen] = Frozen,
                [Seized] = Seized,
                [ConfiscationOrdered] = ConfiscationOrdered,
                [UnderAppeal] = UnderAppeal,
                [Confiscated] = Confiscated,
            },
            ["order:confiscation"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [Frozen] = ConfiscationOrdered,
                [Seized] = ConfiscationOrdered,
            },
            ["order:release"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [Identified] = Released,
                [Frozen] = Released,
                [Seized] = Released,
                [ConfiscationOrdered] = Released,
            },
            ["appeal"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [ConfiscationOrdered] = UnderAppeal,
            },
            ["appeal-decision:dismissed"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [UnderAppeal] = ConfiscationOrdered,
            },
            ["appeal-decision:allowed"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [UnderAppeal] = BeforeConfiscation,
            },
            ["finality"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [ConfiscationOrdered] = Confiscated,
            },
            ["realisation"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [Confiscated] = Realised,
            },
            ["release"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [Identified] = Released,
                [Frozen] = Released,
                [Seized] = Released,
                [ConfiscationOrdered] = Released,
            },
            ["disposal"] = new Dictionary<AssetStatus, AssetStatus>
            {
                [Confiscated] = Disposed,
            },
        };

    private static readonly Guid NewOrderId = Guid.Parse("0d000000-0000-0000-0000-0000000000b7");

    private static AssetCommand Command(string name) => name switch
    {
        "freeze" => Freeze(),
        "seize" => Seize(),
        "custody-transfer" => TransferCustody(),
        "valuation" => RecordValuation(),
        "order:restraint" => RecordOrder(NewOrderId, OrderType.Restraint),
        "order:confiscation" => RecordOrder(NewOrderId, OrderType.Confiscation),
        "order:release" => RecordOrder(NewOrderId, OrderType.Release),
        "appeal" => LodgeAppeal(ConfiscationId),
        "appeal-decision:dismissed" => DecideAppeal(ConfiscationId, AppealOutcome.Dismissed),
        "appeal-decision:allowed" => DecideAppeal(ConfiscationId, AppealOutcome.Allowed),
        "finality" => RecordFinality(ConfiscationId),
        "realisation" => Realise(),
        "release" => ReleaseAsset(),
        "disposal" => DisposeAsset(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name),
    };

    /// <summary>
    /// Every status; the ones that lie after a confiscation order are reached both via frozen and via seized,
    /// so an allowed appeal is checked to go back to each.
    /// </summary>
    public static IEnumerable<(AssetStatus Status, AssetStatus Via)> Scenarios()
    {
        foreach (var status in Enum.GetValues<AssetStatus>())
        {
            if (status is ConfiscationOrdered or UnderAppeal or Confiscated or Realised or Disposed or Released)
            {
                yield return (status, Frozen);
                yield return (status, Seized);
            }
            else yield return (status, Seized);
        }
    }

    public static TheoryData<string, AssetStatus, AssetStatus> Matrix()
    {
        var data = new TheoryData<string, AssetStatus, AssetStatus>();
        foreach (var command in Expected.Keys)
            foreach (var (status, via) in Scenarios())
                data.Add(command, status, via);
        return data;
    }

    [Fact]
    public void The_matrix_covers_every_command_type_and_every_status()
    {
        Assert.Equal(14, Expected.Count);
        Assert.Equal(Enum.GetValues<AssetStatus>().OrderBy(s => s), Scenarios().Select(s => s.Status).Distinct().OrderBy(s => s));
        Assert.Equal(Enum.GetValues<AssetStatus>().Length, Wire.Count);
        // Every concrete command type is exercised by at least one row.
        var commandTypes = typeof(AssetCommand).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(AssetCommand)) && !t.IsAbstract).ToHashSet();
        Assert.Equal(commandTypes, Expected.Keys.Select(k => Command(k).GetType()).ToHashSet());
        Assert.Equal(Enum.GetValues<OrderType>().Length, Expected.Keys.Count(k => k.StartsWith("order:")));
        Assert.Equal(Enum.GetValues<AppealOutcome>().Length, Expected.Keys.Count(k => k.StartsWith("appeal-decision:")));
    }

    [Theory]
    [InlineData(Identified)]
    [InlineData(Frozen)]
    [InlineData(Seized)]
    [InlineData(ConfiscationOrdered)]
    [InlineData(UnderAppeal)]
    [InlineData(Confiscated)]
    [InlineData(Realised)]
    [InlineData(Released)]
    [InlineData(Disposed)]
    public void AssetIn_folds_a_real_history_into_the_status(AssetStatus status)
    {
        foreach (var via in new[] { Frozen, Seized })
        {
            var history = HistoryFor(status, via);
            var asset = AssetIn(status, via);
            Assert.Equal(status, asset.Status);
            Assert.Equal(history.Count, asset.Version);
            Assert.IsType<AssetRegistered>(history[0]);
        }
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Command_in_status(string command, AssetStatus status, AssetStatus via)
    {
        var asset = AssetIn(status, via);
        Assert.Equal(status, asset.Status);

        var decision = AssetDecider.Decide(Command(command), asset);

        if (Expected[command].TryGetValue(status, out var to))
        {
            var accept = Assert.IsType<Decision.Accept>(decision);
            Assert.NotEmpty(accept.Events);
            var after = Apply(asset, accept.Events);
            var expectedStatus = to == BeforeConfiscation ? via : to;
            Assert.Equal(expectedStatus, after.Status);
            Assert.Equal(asset.Version + accept.Events.Count, after.Version);
            AssertOrderEffects(command, asset, after);
        }
        else
        {
            var refuse = Assert.IsType<Decision.Refuse>(decision);
            Assert.Contains($"'{Wire[status]}'", refuse.Reason);
        }
    }

    private static void AssertOrderEffects(string command, Asset before, Asset after)
    {
        switch (command)
        {
            case "order:restraint" or "order:confiscation" or "order:release":
                Assert.Equal(before.Orders.Count + 1, after.Orders.Count);
                Assert.Equal(OrderStatus.InForce, after.FindOrder(NewOrderId)?.Status);
                break;
            case "appeal":
                Assert.Equal(OrderStatus.UnderAppeal, after.FindOrder(ConfiscationId)?.Status);
                break;
            case "appeal-decision:dismissed":
                Assert.Equal(OrderStatus.InForce, after.FindOrder(ConfiscationId)?.Status);
                break;
            case "appeal-decision:allowed":
                Assert.Equal(OrderStatus.Quashed, after.FindOrder(ConfiscationId)?.Status);
                Assert.Null(after.ActiveConfiscation);
                break;
            case "finality":
                Assert.Equal(OrderStatus.Final, after.FindOrder(ConfiscationId)?.Status);
                break;
            default:
                Assert.Equal(before.Orders, after.Orders);
                break;
        }
    }

    // ---- order ids ----------------------------------------------------------------------------------

    public static TheoryData<string, AssetStatus> OrderIdCommands() => new()
    {
        { "appeal", ConfiscationOrdered },
        { "appeal-decision:dismissed", UnderAppeal },
        { "appeal-decision:allowed", UnderAppeal },
        { "finality", ConfiscationOrdered },
    };

    private static AssetCommand WithOrder(string command, Guid orderId) => command switch
    {
        "appeal" => LodgeAppeal(orderId),
        "appeal-decision:dismissed" => DecideAppeal(orderId, AppealOutcome.Dismissed),
        "appeal-decision:allowed" => DecideAppeal(orderId, AppealOutcome.Allowed),
        "finality" => RecordFinality(orderId),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    [Theory]
    [MemberData(nameof(OrderIdCommands))]
    public void An_order_id_not_recorded_on_the_asset_is_refused(string command, AssetStatus status)
    {
        var asset = AssetIn(status);
        var refuse = Assert.IsType<Decision.Refuse>(AssetDecider.Decide(WithOrder(command, UnknownOrderId), asset));
        Assert.Contains(UnknownOrderId.ToString(), refuse.Reason);
        Assert.Contains("order", refuse.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(OrderIdCommands))]
    public void An_order_on_the_asset_that_is_not_its_confiscation_order_is_refused(string command, AssetStatus status)
    {
        // The restraint order is recorded on every asset AssetIn builds from frozen onwards.
        var asset = AssetIn(status);
        Assert.NotNull(asset.FindOrder(RestraintId));
        var refuse = Assert.IsType<Decision.Refuse>(AssetDecider.Decide(WithOrder(command, RestraintId), asset));
        Assert.Contains(RestraintId.ToString(), refuse.Reason);
    }

    [Theory]
    [MemberData(nameof(OrderIdCommands))]
    public void A_quashed_confiscation_order_is_refused_once_a_new_one_is_in_force(string command, AssetStatus status)
    {
        var secondId = Guid.Parse("0d000000-0000-0000-0000-0000000000c2");
        List<object> history =
        [
            .. HistoryFor(UnderAppeal, Frozen),
            new AppealAllowed(ConfiscationId, D0.PlusDays(5), Frozen),
            new ConfiscationOrdered(Order(secondId, OrderType.Confiscation), Frozen),
        ];
        if (status == UnderAppeal) history.Add(new AppealLodged(secondId, D0.PlusDays(6)));
        var asset = Fold(history);
        Assert.Equal(status, asset.Status);

        var refuse = Assert.IsType<Decision.Refuse>(AssetDecider.Decide(WithOrder(command, ConfiscationId), asset));
        Assert.Contains(ConfiscationId.ToString(), refuse.Reason);
        // ...while the order in force is accepted.
        Assert.IsType<Decision.Accept>(AssetDecider.Decide(WithOrder(command, secondId), asset));
    }

    [Theory]
    [InlineData(Frozen)]
    [InlineData(Seized)]
    public void An_allowed_appeal_returns_to_the_status_before_the_order_which_can_then_be_ordered_again(AssetStatus via)
    {
        var asset = AssetIn(UnderAppeal, via);
        var allowed = Assert.IsType<Decision.Accept>(AssetDecider.Decide(DecideAppeal(ConfiscationId, AppealOutcome.Allowed), asset));
        var back = Apply(asset, allowed.Events);
        Assert.Equal(via, back.Status);
        Assert.Equal(OrderStatus.Quashed, back.FindOrder(ConfiscationId)!.Status);

        // The quashed order cannot be made final.
        var fin = Assert.IsType<Decision.Refuse>(AssetDecider.Decide(RecordFinality(ConfiscationId), back));
        Assert.Contains($"'{Wire[via]}'", fin.Reason);

        // A new confiscation order starts the cycle again, and remembers where it came from.
        var second = Guid.Parse("0d000000-0000-0000-0000-0000000000c3");
        var ordered = Apply(back, Assert.IsType<Decision.Accept>(AssetDecider.Decide(RecordOrder(second, OrderType.Confiscation), back)).Events);
        Assert.Equal(ConfiscationOrdered, ordered.Status);
        var appealed = Apply(ordered, Assert.IsType<Decision.Accept>(AssetDecider.Decide(LodgeAppeal(second), ordered)).Events);
        var again = Apply(appealed, Assert.IsType<Decision.Accept>(AssetDecider.Decide(DecideAppeal(second, AppealOutcome.Allowed), appealed)).Events);
        Assert.Equal(via, again.Status);
    }

    [Fact]
    public void The_same_order_id_recorded_twice_on_one_asset_is_refused()
    {
        var asset = AssetIn(Frozen);
        var orderId = Guid.Parse("0d000000-0000-0000-0000-0000000000d1");
        var first = Assert.IsType<Decision.Accept>(AssetDecider.Decide(RecordOrder(orderId, OrderType.Restraint), asset));
        var after = Apply(asset, first.Events);

        // Same details.
        var same = Assert.IsType<Decision.Refuse>(AssetDecider.Decide(RecordOrder(orderId, OrderType.Restraint), after));
        Assert.Contains(orderId.ToString(), same.Reason);
        // Different details (other court), and a different type under the same id.
        var other = new RecordOrder(Order(orderId, OrderType.Restraint, court: "Other court"));
        Assert.Contains(orderId.ToString(), Assert.IsType<Decision.Refuse>(AssetDecider.Decide(other, after)).Reason);
        Assert.Contains(orderId.ToString(),
            Assert.IsType<Decision.Refuse>(AssetDecider.Decide(RecordOrder(orderId, OrderType.Confiscation), after)).Reason);
    }

    [Fact]
    public void A_quashed_confiscation_order_id_cannot_be_recorded_again()
    {
        var asset = AssetIn(UnderAppeal, Seized);
        var back = Apply(asset, Assert.IsType<Decision.Accept>(AssetDecider.Decide(DecideAppeal(ConfiscationId, AppealOutcome.Allowed), asset)).Events);
        Assert.Equal(Seized, back.Status);
        var refuse = Assert.IsType<Decision.Refuse>(AssetDecider.Decide(RecordOrder(ConfiscationId, OrderType.Confiscation), back));
        Assert.Contains(ConfiscationId.ToString(), refuse.Reason);
    }

    [Fact]
    public void A_release_order_records_the_order_and_releases_the_asset_under_a_court_order()
    {
        var asset = AssetIn(Seized);
        var releaseId = Guid.Parse("0d000000-0000-0000-0000-0000000000e1");
        var accept = Assert.IsType<Decision.Accept>(AssetDecider.Decide(RecordOrder(releaseId, OrderType.Release), asset));
        Assert.Collection(accept.Events,
            e => Assert.Equal(releaseId, Assert.IsType<ReleaseOrderRecorded>(e).Order.OrderId),
            e => Assert.Equal(ReleaseReason.CourtOrder, Assert.IsType<AssetReleased>(e).Reason));
        var after = Apply(asset, accept.Events);
        Assert.Equal(Released, after.Status);
        Assert.Equal(asset.Version + 2, after.Version);
        Assert.Equal(ReleaseReason.CourtOrder, after.Release!.Reason);
    }

    // ---- realisation ----------------------------------------------------------------------------------

    [Fact]
    public void Realising_keeps_gross_minus_returned_to_owner()
    {
        var asset = AssetIn(Confiscated);
        var command = Realise(gross: 40_000m, costs: 1_250.50m, returned: 7_500.25m);
        Assert.Equal(Eur(32_499.75m), command.Gross - command.Returned);

        var accept = Assert.IsType<Decision.Accept>(AssetDecider.Decide(command, asset));
        var realised = Assert.IsType<AssetRealised>(Assert.Single(accept.Events));
        Assert.Equal(ConfiscationId, realised.OrderId);
        Assert.Equal(Eur(40_000m), realised.Gross);
        Assert.Equal(Eur(1_250.50m), realised.Costs);
        Assert.Equal(Eur(7_500.25m), realised.ReturnedToOwner);

        var after = Apply(asset, accept.Events);
        Assert.Equal(Realised, after.Status);
        Assert.Equal(Eur(32_499.75m), after.Realisation!.Kept);
        Assert.Equal(Eur(31_249.25m), after.Realisation.Net); // gross − costs − returnedToOwner
    }

    /// <summary>Invariant 2 on the legal dates: the order became final on D0 + 30 (AssetTestData's history).</summary>
    [Fact]
    public void Realising_on_a_date_before_the_order_became_final_is_refused_and_on_that_day_accepted()
    {
        var asset = AssetIn(Confiscated);
        Assert.Equal(D0.PlusDays(30), asset.ActiveConfiscation!.FinalOn);

        var early = Assert.IsType<Decision.Refuse>(AssetDecider.Decide(Realise() with { RealisedOn = D0.PlusDays(29) }, asset));
        Assert.Equal($"Confiscation order {ConfiscationId} became final on {D0.PlusDays(30):uuuu-MM-dd}; nothing can be realised under it on {D0.PlusDays(29):uuuu-MM-dd}, before that.", early.Reason);
        Assert.IsType<Decision.Accept>(AssetDecider.Decide(Realise() with { RealisedOn = D0.PlusDays(30) }, asset));
    }

    [Fact]
    public void An_order_cannot_become_final_before_it_was_issued()
    {
        var asset = AssetIn(ConfiscationOrdered);
        var issued = asset.FindOrder(ConfiscationId)!.Order.IssuedOn;

        var early = Assert.IsType<Decision.Refuse>(AssetDecider.Decide(new RecordFinality(ConfiscationId, issued.PlusDays(-1)), asset));
        Assert.Contains($"cannot have become final on {issued.PlusDays(-1):uuuu-MM-dd}", early.Reason);
        var sameDay = Assert.IsType<Decision.Accept>(AssetDecider.Decide(new RecordFinality(ConfiscationId, issued), asset));
        Assert.Equal(issued, Apply(asset, sameDay.Events).FindOrder(ConfiscationId)!.FinalOn);
    }

    [Fact]
    public void Realising_without_returned_to_owner_keeps_the_gross()
    {
        var asset = AssetIn(Confiscated, Frozen);
        var command = Realise(gross: 12_345.67m, costs: 100m, returned: null);
        Assert.Equal(Eur(12_345.67m), command.Gross - command.Returned);
        var accept = Assert.IsType<Decision.Accept>(AssetDecider.Decide(command, asset));
        var realised = Assert.IsType<AssetRealised>(Assert.Single(accept.Events));
        Assert.Equal(Money.Zero("EUR"), realised.ReturnedToOwner);
        var after = Apply(asset, accept.Events);
        Assert.Equal(Eur(12_345.67m), after.Realisation!.Kept);
        Assert.Equal(Eur(12_245.67m), after.Realisation.Net);
    }

    [Theory]
    [InlineData(Realised)]
    [InlineData(Released)]
    [InlineData(Disposed)]
    public void Terminal_statuses_refuse_even_commands_with_unknown_or_duplicate_order_ids(AssetStatus status)
    {
        var asset = AssetIn(status);
        AssetCommand[] commands =
        [
            RecordOrder(ConfiscationId, OrderType.Confiscation), RecordOrder(RestraintId, OrderType.Restraint),
            RecordOrder(UnknownOrderId, OrderType.Release), LodgeAppeal(UnknownOrderId), RecordFinality(UnknownOrderId),
            DecideAppeal(UnknownOrderId, AppealOutcome.Allowed),
        ];
        foreach (var command in commands)
            Assert.Contains($"'{Wire[status]}'", Assert.IsType<Decision.Refuse>(AssetDecider.Decide(command, asset)).Reason);
    }
}
