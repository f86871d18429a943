using AssetLedger.Assets;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AssetLedger.Tests.Assets;

using static AssetLedger.Assets.AssetStatus;
using static AssetLedger.Tests.Assets.AssetTestData;

/// <summary>One generated command, with a readable name so a failing script prints legibly.</summary>
public sealed record Step(string Kind, string? OrderName)
{
    public static readonly Guid C1 = Guid.Parse("0e000000-0000-0000-0000-0000000000c1");
    public static readonly Guid C2 = Guid.Parse("0e000000-0000-0000-0000-0000000000c2");
    public static readonly Guid R1 = Guid.Parse("0e000000-0000-0000-0000-0000000000a1");
    public static readonly Guid L1 = Guid.Parse("0e000000-0000-0000-0000-0000000000e1");
    /// <summary>Never recorded on the asset by any step.</summary>
    public static readonly Guid X = Guid.Parse("0e000000-0000-0000-0000-0000000000ff");

    public Guid OrderId => OrderName switch
    {
        "C1" => C1, "C2" => C2, "R1" => R1, "L1" => L1, "X" => X,
        _ => throw new InvalidOperationException($"{Kind} has no order"),
    };

    public AssetCommand ToCommand() => Kind switch
    {
        "freeze" => Freeze(),
        "seize" => Seize(),
        "custody" => TransferCustody(),
        "valuation" => RecordValuation(),
        "order:restraint" => RecordOrder(OrderId, OrderType.Restraint),
        "order:confiscation" => RecordOrder(OrderId, OrderType.Confiscation, Eur(1_000_000m)),
        "order:release" => RecordOrder(OrderId, OrderType.Release),
        "appeal" => LodgeAppeal(OrderId),
        "dismissed" => DecideAppeal(OrderId, AppealOutcome.Dismissed),
        "allowed" => DecideAppeal(OrderId, AppealOutcome.Allowed),
        "finality" => RecordFinality(OrderId),
        "realise" => Realise(gross: 50_000m, costs: 500m, returned: 1_000m),
        "release" => ReleaseAsset(),
        "dispose" => DisposeAsset(),
        _ => throw new ArgumentOutOfRangeException(Kind),
    };

    public override string ToString() => OrderName is null ? Kind : $"{Kind}({OrderName})";
}

public sealed record Script(IReadOnlyList<Step> Steps)
{
    public override string ToString() => "[" + string.Join(", ", Steps) + "]";
}

public static class LifecycleArbitraries
{
    /// <summary>The fixed pool of commands: valid fields, order ids that are or are not (yet) on the asset.</summary>
    public static readonly Step[] Pool =
    [
        new("freeze", null), new("seize", null), new("custody", null), new("valuation", null),
        new("order:restraint", "R1"), new("order:restraint", "C1"),
        new("order:confiscation", "C1"), new("order:confiscation", "C2"),
        new("order:release", "L1"), new("order:release", "C1"),
        new("appeal", "C1"), new("appeal", "C2"), new("appeal", "R1"), new("appeal", "X"),
        new("dismissed", "C1"), new("dismissed", "C2"), new("dismissed", "X"),
        new("allowed", "C1"), new("allowed", "C2"), new("allowed", "R1"), new("allowed", "X"),
        new("finality", "C1"), new("finality", "C2"), new("finality", "R1"), new("finality", "X"),
        new("realise", null), new("release", null), new("dispose", null),
    ];

    /// <summary>Commands that end the lifecycle are rarer, so that scripts get far before they stop.</summary>
    private static int Weight(Step s) => s.Kind is "release" or "order:release" or "dispose" ? 1 : 3;

    public static readonly Gen<Script> ScriptGen =
        Gen.ListOf(Gen.Frequency(Pool.Select(s => (Weight(s), Gen.Constant(s))).ToArray()))
           .Select(steps => new Script(steps.ToList()));

    /// <summary>Shrinks a failing script by dropping one step at a time, so the counterexample printed is short.</summary>
    public static Arbitrary<Script> Scripts() => Arb.From(ScriptGen, script =>
        Enumerable.Range(0, script.Steps.Count).Select(i => new Script([.. script.Steps.Take(i), .. script.Steps.Skip(i + 1)])));
}

/// <summary>
/// Random command scripts from a registered asset, compared step by step with a small model of the
/// lifecycle written here independently of the decider, and checked against the invariants of domain.md.
/// </summary>
public class when_running_random_lifecycle_scripts
{
    private const AssetStatus BeforeConfiscation = (AssetStatus)(-1);

    /// <summary>The model's table: (status, command kind) → status. Missing means refused.</summary>
    private static readonly Dictionary<(AssetStatus, string), AssetStatus> Model = BuildModel();

    private static Dictionary<(AssetStatus, string), AssetStatus> BuildModel()
    {
        var m = new Dictionary<(AssetStatus, string), AssetStatus>
        {
            [(Identified, "freeze")] = Frozen,
            [(Identified, "seize")] = Seized,
            [(Frozen, "seize")] = Seized,
            [(Frozen, "order:confiscation")] = ConfiscationOrdered,
            [(Seized, "order:confiscation")] = ConfiscationOrdered,
            [(ConfiscationOrdered, "appeal")] = UnderAppeal,
            [(UnderAppeal, "dismissed")] = ConfiscationOrdered,
            [(UnderAppeal, "allowed")] = BeforeConfiscation,
            [(ConfiscationOrdered, "finality")] = Confiscated,
            [(Confiscated, "realise")] = Realised,
            [(Confiscated, "dispose")] = Disposed,
        };
        foreach (var s in new[] { Identified, Frozen, Seized, ConfiscationOrdered, UnderAppeal, Confiscated })
        {
            m[(s, "custody")] = s;
            m[(s, "valuation")] = s;
            m[(s, "order:restraint")] = s;
        }
        foreach (var s in new[] { Identified, Frozen, Seized, ConfiscationOrdered })
        {
            m[(s, "release")] = Released;
            m[(s, "order:release")] = Released;
        }
        return m;
    }

    /// <summary>The arrows of the domain.md diagram (status changes only; "unchanged" is always allowed outside terminal statuses).</summary>
    private static readonly HashSet<(AssetStatus From, AssetStatus To)> Arrows =
    [
        (Identified, Frozen), (Identified, Seized), (Frozen, Seized),
        (Frozen, ConfiscationOrdered), (Seized, ConfiscationOrdered),
        (ConfiscationOrdered, UnderAppeal), (UnderAppeal, ConfiscationOrdered), (UnderAppeal, Frozen), (UnderAppeal, Seized),
        (ConfiscationOrdered, Confiscated), (Confiscated, Realised), (Confiscated, Disposed),
        (Identified, Released), (Frozen, Released), (Seized, Released), (ConfiscationOrdered, Released),
    ];

    private static readonly HashSet<AssetStatus> Terminal = [Released, Realised, Disposed];

    private static readonly Dictionary<AssetStatus, string> Wire = new()
    {
        [Identified] = "identified", [Frozen] = "frozen", [Seized] = "seized",
        [ConfiscationOrdered] = "confiscation_ordered", [UnderAppeal] = "under_appeal", [Confiscated] = "confiscated",
        [Realised] = "realised", [Released] = "released", [Disposed] = "disposed",
    };

    /// <summary>The model's state beyond the status: which order ids are on the asset and which confiscation order is in force.</summary>
    private sealed class ModelState
    {
        public AssetStatus Status = Identified;
        public AssetStatus? Before;
        public readonly HashSet<Guid> Recorded = [];
        public Guid? ActiveConfiscation;

        /// <summary>The status after the step, or null when the model refuses it.</summary>
        public AssetStatus? Next(Step step)
        {
            if (!Model.TryGetValue((Status, step.Kind), out var to)) return null;
            if (step.Kind.StartsWith("order:") && Recorded.Contains(step.OrderId)) return null;
            if (step.Kind is "appeal" or "dismissed" or "allowed" or "finality" && step.OrderId != ActiveConfiscation) return null;
            return to == BeforeConfiscation ? Before : to;
        }

        public void Apply(Step step, AssetStatus to)
        {
            if (step.Kind.StartsWith("order:")) Recorded.Add(step.OrderId);
            if (step.Kind == "order:confiscation") { ActiveConfiscation = step.OrderId; Before = Status; }
            if (step.Kind == "allowed") ActiveConfiscation = null;
            Status = to;
        }
    }

    private static void Run(Script script, Action<Step, Asset, Decision, Asset, IReadOnlyList<object>>? observe = null)
    {
        var asset = Fold([Registered()]);
        var model = new ModelState();
        var history = new List<object> { Registered() };

        for (var i = 0; i < script.Steps.Count; i++)
        {
            var step = script.Steps[i];
            var where = $"step {i} {step} in '{Wire[asset.Status]}'";
            var decision = AssetDecider.Decide(step.ToCommand(), asset);
            var expected = model.Next(step);
            var before = asset;

            switch (decision)
            {
                case Decision.Accept accept:
                    Assert.True(expected is not null, $"{where}: decider accepted, model refuses");
                    Assert.NotEmpty(accept.Events);
                    history.AddRange(accept.Events);
                    asset = Apply(asset, accept.Events);

                    // Version moves by exactly the number of events.
                    Assert.True(before.Version + accept.Events.Count == asset.Version, $"{where}: version {before.Version} + {accept.Events.Count} events != {asset.Version}");
                    // Same status as the model.
                    Assert.True(expected == asset.Status, $"{where}: decider went to '{Wire[asset.Status]}', model to '{Wire[expected!.Value]}'");
                    // Only along the arrows; terminal statuses never change.
                    Assert.False(Terminal.Contains(before.Status), $"{where}: a terminal status accepted a command");
                    Assert.True(before.Status == asset.Status || Arrows.Contains((before.Status, asset.Status)),
                        $"{where}: '{Wire[before.Status]}' -> '{Wire[asset.Status]}' is not an arrow of the lifecycle");
                    model.Apply(step, asset.Status);
                    break;

                case Decision.Refuse refuse:
                    Assert.True(expected is null, $"{where}: decider refused ({refuse.Reason}), model goes to '{(expected is { } e ? Wire[e] : "?")}'");
                    Assert.True(refuse.Reason.Contains($"'{Wire[asset.Status]}'") || (step.OrderName is not null && refuse.Reason.Contains(step.OrderId.ToString())),
                        $"{where}: refusal names neither the status nor the order: {refuse.Reason}");
                    break;

                default:
                    Assert.Fail($"{where}: unexpected decision {decision}");
                    break;
            }

            // Invariant 2: nothing is realised before its confiscation order is final.
            if (asset.Status == Realised)
            {
                var realisedAt = history.FindIndex(e => e is AssetRealised);
                var realised = (AssetRealised)history[realisedAt];
                Assert.True(history.Take(realisedAt).OfType<ConfiscationOrderFinal>().Any(f => f.OrderId == realised.OrderId),
                    $"{where}: realised under {realised.OrderId} without a ConfiscationOrderFinal for it earlier");
                // … and not on a date before the order became final.
                Assert.True(history.Take(realisedAt).OfType<ConfiscationOrderFinal>().Last(f => f.OrderId == realised.OrderId).FinalOn <= realised.RealisedOn,
                    $"{where}: realised on {realised.RealisedOn} under {realised.OrderId}, before it became final");
            }
            observe?.Invoke(step, before, decision, asset, history);
        }

        // Folding the whole accepted history from scratch gives the same asset.
        var refolded = Fold(history);
        Assert.Equal(asset.Status, refolded.Status);
        Assert.Equal(asset.Version, refolded.Version);
    }

    [Property(Arbitrary = [typeof(LifecycleArbitraries)], MaxTest = 2000)]
    public void Random_scripts_follow_the_lifecycle_and_agree_with_the_model(Script script) => Run(script);

    /// <summary>Guards the generator: over a fixed sample, every arrow and every (status, command) pair of the model is exercised.</summary>
    [Fact]
    public void The_generator_reaches_every_arrow_and_every_accepted_pair()
    {
        var arrows = new HashSet<(AssetStatus, AssetStatus)>();
        var pairs = new HashSet<(AssetStatus, string)>();
        var scripts = Gen.Sample(LifecycleArbitraries.ScriptGen, 2000, new Rnd(20260105UL), 60); // (count, seed, size)
        foreach (var script in scripts)
            Run(script, (step, before, decision, after, _) =>
            {
                if (decision is not Decision.Accept) return;
                pairs.Add((before.Status, step.Kind));
                if (before.Status != after.Status) arrows.Add((before.Status, after.Status));
            });

        Assert.Empty(Arrows.Except(arrows));
        Assert.Empty(Model.Keys.Except(pairs));
    }
}
