using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AssetLedger.Api.Tests.Distribution;
using AssetLedger.Api.Tests.Infrastructure;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Xunit.Abstractions;

namespace AssetLedger.Api.Tests.Properties;

/// <summary>
/// R6 through HTTP: random command sequences over the assets of one case, every request sent with the real role's
/// token to the real host on a real PostgreSQL, every response compared with a small in-memory model of the
/// lifecycle written here (independently of the service and of the core tests), and the invariants of domain.md
/// checked after each sequence. The lifecycle test is an FsCheck property over an <see cref="FsCheck.Arbitrary{T}"/> of
/// scenarios (<see cref="ScenarioArb"/>): FsCheck generates the sequences, runs each one (an async property), and
/// shrinks a failing sequence with its array shrinker over the steps; the seed, the original and the shrunk sequence are
/// printed. <c>ASSETLEDGER_PROPERTY_SEED=&lt;seed&gt;</c> is FsCheck's replay seed (reproduces a run);
/// <c>ASSETLEDGER_PROPERTY_RUNS=&lt;n&gt;</c> sets FsCheck's number of tests. The distribution test draws from the same
/// seed with its own random walk and does not shrink; <c>ASSETLEDGER_PROPERTY_CASES=&lt;n&gt;</c> sets its number of cases.
/// </summary>
public sealed class when_replaying_random_command_sequences(ApiFixture fixture, ITestOutputHelper output) : ApiTest(fixture)
{
    private static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("ASSETLEDGER_PROPERTY_SEED"), out var s) ? s : Random.Shared.Next(1, int.MaxValue);

    private static int Runs(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("ASSETLEDGER_PROPERTY_RUNS"), out var n) && n > 0 ? n : fallback;

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Test 1: random lifecycle command sequences
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────────

    private const int MaxSteps = 15;
    private const int DefaultRuns = 60;

    /// <summary>Upper bound on the re-runs FsCheck may spend shrinking one failure (each re-run is a whole HTTP scenario).</summary>
    private const int ShrinkBudget = 120;

    /// <summary>
    /// FsCheck's generator of scenarios: FsCheck draws the seed of each scenario's model-guided walk (so FsCheck's
    /// replay seed fixes every sequence of a run). The walk itself stays imperative because every choice depends on
    /// the model's state after the previous step.
    /// </summary>
    private static readonly FsCheck.Gen<Scenario> ScenarioGen = Gen.Choose(0, int.MaxValue).Select(s => Generator.Scenario(new Random(s)));

    /// <summary>
    /// The scenarios with FsCheck's array shrinker over the steps (one step dropped at a time; the steps themselves do
    /// not shrink), bounded by <see cref="ShrinkBudget"/> candidates in all.
    /// </summary>
    private static FsCheck.Arbitrary<Scenario> ScenarioArb()
    {
        var steps = Arb.Array(Arb.From(Gen.Constant<Step>(null!), _ => []));
        var budget = ShrinkBudget;
        return Arb.From(ScenarioGen, scenario => steps.Shrinker([.. scenario.Steps])
            .TakeWhile(_ => budget-- > 0)
            .Select(shorter => scenario with { Steps = shorter }));
    }

    [Fact]
    public async Task random_command_sequences_agree_with_the_model_and_keep_every_invariant()
    {
        var seed = Seed();
        var runs = Runs(DefaultRuns);
        var stats = new Stats();
        var scenarios = new List<Scenario>();
        var clock = Stopwatch.StartNew();
        output.WriteLine($"seed {seed}, {runs} sequences of up to {MaxSteps} commands (ASSETLEDGER_PROPERTY_SEED={seed} to reproduce)");

        // The first failing scenario and the last one (FsCheck shrinks from the first; the last failure it sees is the shrunk one).
        (Scenario Scenario, string Failure)? first = null, last = null;
        var property = Prop.ForAll(ScenarioArb(), async scenario =>
        {
            if (first is null) scenarios.Add(scenario);
            var failure = await RunScenario(scenario, first is null ? stats : new Stats());
            if (failure is null) return;
            first ??= (scenario, failure);
            last = (scenario, failure);
            throw new PropertyFailure(failure);
        });
        var config = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(runs).WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<FsCheck.Replay>.Some(new FsCheck.Replay(new FsCheck.Rnd((ulong)seed), FSharpOption<int>.None)));
        try
        {
            // FsCheck 3 runs a Task-returning property itself (awaiting each case before the next and before each shrink);
            // Check.One blocks while it does, so it runs on the thread pool rather than on xunit's synchronisation context.
            await Task.Run(() => FsCheck.Check.One(config, property));
        }
        catch (Exception ex) when (last is { } shrunk && first is { } original)
        {
            output.WriteLine($"failed: {original.Failure}\n{original.Scenario}");
            Assert.Fail($"Seed {seed} (ASSETLEDGER_PROPERTY_SEED={seed} to reproduce), {runs} sequences.\n"
                        + $"Original ({original.Scenario.Steps.Count} steps):\n{original.Scenario}\n"
                        + $"Shrunk by FsCheck ({shrunk.Scenario.Steps.Count} steps):\n{shrunk.Scenario}\nFailure of the shrunk sequence: {shrunk.Failure}\n"
                        + $"Failure of the original: {original.Failure}\nFsCheck: {ex.Message}");
        }

        var verify = await Client.Get("/api/audit/verify", Tokens.Auditor);
        Assert.True(verify.Status == HttpStatusCode.OK, verify.ToString());
        Assert.Equal(0, verify["broken"].GetArrayLength());

        output.WriteLine($"{runs} sequences, {stats} in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine("not reached in this run: " + string.Join(", ", MustReach.Except(Coverage(scenarios).Keys)));
    }

    /// <summary>What a batch of scripts exercises, by the model alone (no HTTP): arrows, refusals by the cap, kinds of replay.</summary>
    private static SortedDictionary<string, int> Coverage(IEnumerable<Scenario> scenarios)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var seen = new Counter(counts);
        foreach (var scenario in scenarios)
        {
            var model = new Model(scenario);
            foreach (var step in scenario.Steps)
            {
                var before = model.Assets[step.Asset].Status;
                switch (model.Expect(step))
                {
                    case Expectation.Accepted accepted:
                        model.Commit(step, accepted);
                        if (before != accepted.Status) seen.Add($"{before}→{accepted.Status}");
                        if (step.Mode != Mode.Fresh) seen.Add($"{step.Mode} accepted as new");
                        if (step.Kind == "realise" && model.RegistryCap.Any(c => c.Value is { } v && model.Kept.GetValueOrDefault(c.Key) == v)) seen.Add("realised exactly at a cap");
                        break;
                    case Expectation.Replayed:
                        seen.Add("replay of an accepted command");
                        break;
                    case Expectation.Refused refused:
                        if (refused.Why.StartsWith("cap", StringComparison.Ordinal)) seen.Add("refused by a cap");
                        if (refused.Why.StartsWith("cap", StringComparison.Ordinal) && refused.Why.Contains(" under S ", StringComparison.Ordinal) && model.Kept.GetValueOrDefault("S") > 0)
                            seen.Add("refused by the shared cap after another asset's realisation");
                        if (step.Mode != Mode.Fresh && refused.Why.StartsWith("the command id", StringComparison.Ordinal)) seen.Add($"{step.Mode} of an accepted command refused");
                        break;
                }
            }
            if (model.Kept.TryGetValue("S", out var kept) && scenario.Steps.Count(s => s.Kind == "realise") > 1 && kept > 0
                && model.Assets.Count(a => a.Status == "realised" && a.Orders.Any(o => o.Name == "S" && o.Status == "final")) > 1)
                seen.Add("two assets realised under the shared order");
        }
        return counts;
    }

    private sealed class Counter(SortedDictionary<string, int> counts)
    {
        public void Add(string what) => counts[what] = counts.GetValueOrDefault(what) + 1;
    }

    private static readonly string[] MustReach =
    [
        "identified→frozen", "identified→seized", "frozen→seized", "frozen→confiscation_ordered", "seized→confiscation_ordered",
        "confiscation_ordered→under_appeal", "under_appeal→confiscation_ordered", "under_appeal→frozen", "under_appeal→seized",
        "confiscation_ordered→confiscated", "confiscated→realised", "confiscated→disposed",
        "identified→released", "frozen→released", "seized→released", "confiscation_ordered→released",
        "refused by a cap", "refused by the shared cap after another asset's realisation", "realised exactly at a cap", "two assets realised under the shared order",
        "replay of an accepted command", "Altered of an accepted command refused", "OtherAsset of an accepted command refused",
    ];

    /// <summary>Guards the generator: a fixed sample of the size the HTTP test runs reaches every arrow, the cap and every kind of replay.</summary>
    [Fact]
    public void the_generator_reaches_every_arrow_the_cap_and_every_kind_of_replay()
    {
        var seen = Coverage(ScenarioGen.Sample(DefaultRuns, new FsCheck.Rnd(20260301), 0));
        output.WriteLine(string.Join(", ", seen.Select(s => $"{s.Key}×{s.Value}")));
        Assert.Empty(MustReach.Except(seen.Keys));
    }

    private sealed class Stats
    {
        public int Sequences, Commands, Accepted, Refused, Replays, ReplaysAccepted, Realised, CapRefusals;
        public readonly Dictionary<string, int> Transitions = [];

        public override string ToString() =>
            $"{Commands} commands ({Accepted} accepted, {Refused} refused with 409, {Replays} replays/reuses of a command id of which {ReplaysAccepted} answered 2xx), "
            + $"{Realised} realisations, {CapRefusals} refused by an order's cap; transitions: "
            + string.Join(", ", Transitions.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}×{t.Value}"));
    }

    private sealed class PropertyFailure(string message) : Exception(message);

    private static void Check(bool condition, string message)
    {
        if (!condition) throw new PropertyFailure(message);
    }

    /// <summary>Runs one scenario on fresh ids; null when everything agreed, else what went wrong.</summary>
    private async Task<string?> RunScenario(Scenario scenario, Stats stats)
    {
        var trace = new StringBuilder();
        try
        {
            await Execute(scenario, stats, trace);
            return null;
        }
        catch (Exception ex)
        {
            return (ex is PropertyFailure ? ex.Message : ex.ToString()) + "\nTrace of the run:\n" + trace;
        }
    }

    private async Task Execute(Scenario scenario, Stats stats, StringBuilder trace)
    {
        stats.Sequences++;
        var caseId = await Client.OpenCase("NL-PROP-" + Guid.NewGuid().ToString("N")[..12]);
        var assets = new Guid[scenario.Assets];
        for (var a = 0; a < scenario.Assets; a++) assets[a] = await Client.AddAsset(caseId);
        var orderIds = new Dictionary<string, Guid>();
        Guid OrderId(string name) => orderIds.TryGetValue(name, out var g) ? g : orderIds[name] = Guid.NewGuid();
        var commandIds = new Dictionary<int, Guid>();
        Guid CommandId(int label) => commandIds.TryGetValue(label, out var g) ? g : commandIds[label] = Guid.NewGuid();

        var model = new Model(scenario);
        // commandId → number of asset events its acceptance appended (from the version in the 200 body).
        var eventsOf = new Dictionary<Guid, long>();
        var acceptedOn = Enumerable.Range(0, scenario.Assets).Select(_ => new HashSet<Guid>()).ToArray();

        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i];
            var commandId = CommandId(step.Label);
            var (route, body, token) = Requests.Build(step, scenario, commandId, OrderId);
            var url = $"/api/assets/{assets[step.Asset]}/{route}";
            var asset = model.Assets[step.Asset];
            var statusBefore = asset.Status;
            var expected = model.Expect(step);

            var eventsBefore = await Fixture.EventCountAsync();
            var reply = await Client.Post(url, body, token);
            var appended = await Fixture.EventCountAsync() - eventsBefore;
            var where = $"step {i} [{step}] on asset a{step.Asset} in '{statusBefore}': POST {url} {body}\n  → {(int)reply.Status} {Trim(reply.Raw)}";
            trace.AppendLine($"  {i}: {step} in '{statusBefore}' → {(int)reply.Status}{(reply.Status == HttpStatusCode.OK ? " " + reply.Str("status") : "")}");
            stats.Commands++;
            if (step.Mode != Mode.Fresh) stats.Replays++;

            Check((int)reply.Status < 500, $"{where}\n  a 5xx is a bug");
            switch (expected)
            {
                case Expectation.Refused refused:
                    Check(reply.Status == HttpStatusCode.Conflict, $"{where}\n  expected 409 ({refused.Why}), got {(int)reply.Status}");
                    Check(reply.ContentHeaders?.ContentType?.MediaType == "application/problem+json", $"{where}\n  a 409 must be a problem detail");
                    Check(appended == 0, $"{where}\n  a refused request appended {appended} event(s)");
                    stats.Refused++;
                    if (refused.Why.StartsWith("cap", StringComparison.Ordinal)) stats.CapRefusals++;
                    break;

                case Expectation.Replayed:
                    Check(reply.Status == HttpStatusCode.OK, $"{where}\n  a replay of an accepted command (same id, same body) must return 200 with the current asset, got {(int)reply.Status}");
                    Check(reply.Str("status") == asset.Status, $"{where}\n  replay answered status '{reply.Str("status")}', the asset is '{asset.Status}'");
                    Check(reply["version"].GetInt64() == asset.Version, $"{where}\n  replay answered version {reply["version"].GetInt64()}, the asset is at {asset.Version}");
                    Check(appended == 0, $"{where}\n  a replay appended {appended} event(s)");
                    CheckOrders(reply.Json, asset, OrderId, where);
                    stats.ReplaysAccepted++;
                    break;

                case Expectation.Accepted accepted:
                    Check(reply.Status == HttpStatusCode.OK, $"{where}\n  expected 200 with status '{accepted.Status}', got {(int)reply.Status}");
                    var version = reply["version"].GetInt64();
                    Check(version > asset.Version, $"{where}\n  accepted but the version went from {asset.Version} to {version}");
                    Check(appended >= version - asset.Version, $"{where}\n  the asset moved {version - asset.Version} version(s) but {appended} event(s) were appended");
                    model.Commit(step, accepted, version);
                    Check(reply.Str("status") == asset.Status, $"{where}\n  answered status '{reply.Str("status")}', the model says '{asset.Status}'");
                    CheckOrders(reply.Json, asset, OrderId, where);
                    eventsOf[commandId] = accepted.VersionDelta;
                    acceptedOn[step.Asset].Add(commandId);
                    stats.Accepted++;
                    var key = $"{statusBefore}→{asset.Status}";
                    stats.Transitions[key] = stats.Transitions.GetValueOrDefault(key) + 1;
                    if (asset.Status == "realised" && statusBefore != "realised") stats.Realised++;
                    break;
            }
        }

        await CheckInvariants(scenario, model, caseId, assets, OrderId, eventsOf, acceptedOn);
    }

    private static string Trim(string raw) => raw.Length <= 400 ? raw : raw[..400] + "…";

    /// <summary>The orders on the asset: exactly the model's, each with the model's status.</summary>
    private static void CheckOrders(JsonElement asset, ModelAsset model, Func<string, Guid> orderId, string where)
    {
        var actual = asset.GetProperty("orders").EnumerateArray()
            .Select(o => $"{o.GetProperty("orderId").GetGuid()}:{o.GetProperty("type").GetString()}:{o.GetProperty("status").GetString()}")
            .OrderBy(s => s, StringComparer.Ordinal).ToList();
        var expected = model.Orders.Select(o => $"{orderId(o.Name)}:{o.Type}:{o.Status}").OrderBy(s => s, StringComparer.Ordinal).ToList();
        var names = string.Join(", ", model.Orders.Select(o => $"{o.Name}={orderId(o.Name)}"));
        Check(actual.SequenceEqual(expected), $"{where}\n  orders on the asset: [{string.Join(", ", actual)}], the model has [{string.Join(", ", expected)}] ({names})");
    }

    private async Task CheckInvariants(Scenario scenario, Model model, Guid caseId, Guid[] assets, Func<string, Guid> orderId,
        Dictionary<Guid, long> eventsOf, HashSet<Guid>[] acceptedOn)
    {
        var keptPerOrder = new Dictionary<Guid, decimal>();
        for (var a = 0; a < assets.Length; a++)
        {
            var where = $"after the sequence, asset a{a} ({assets[a]})";
            var current = await Client.Get($"/api/assets/{assets[a]}", Tokens.Prosecutor);
            Check(current.Status == HttpStatusCode.OK, $"{where}: GET answered {current}");
            Check(current.Str("status") == model.Assets[a].Status, $"{where}: status '{current.Str("status")}', the model says '{model.Assets[a].Status}'");
            Check(current["version"].GetInt64() == model.Assets[a].Version, $"{where}: version {current["version"].GetInt64()}, the model says {model.Assets[a].Version}");
            CheckOrders(current.Json, model.Assets[a], orderId, where);

            var history = await Client.Get($"/api/assets/{assets[a]}/history", Tokens.Prosecutor);
            Check(history.Status == HttpStatusCode.OK, $"{where}: history answered {history}");
            var entries = history.Json.EnumerateArray().ToList();
            Check(entries.Count == model.Assets[a].Version, $"{where}: history has {entries.Count} events, the asset is at version {model.Assets[a].Version}");
            Check(entries.Count > 0 && entries[0].GetProperty("type").GetString() == "asset_registered", $"{where}: history does not start with asset_registered");
            for (var v = 0; v < entries.Count; v++)
                Check(entries[v].GetProperty("version").GetInt64() == v + 1, $"{where}: history entry {v} has version {entries[v].GetProperty("version")}");

            // Exactly the accepted commands' events: one group per accepted command id, of the size its acceptance appended.
            var byCommand = entries.Skip(1).GroupBy(e => Guid.Parse(e.GetProperty("commandId").GetString()!)).ToDictionary(g => g.Key, g => (long)g.Count());
            var expectedIds = acceptedOn[a];
            Check(byCommand.Keys.ToHashSet().SetEquals(expectedIds),
                $"{where}: history command ids [{string.Join(", ", byCommand.Keys)}] differ from the accepted commands [{string.Join(", ", expectedIds)}]");
            foreach (var (id, count) in byCommand)
                Check(count == eventsOf[id], $"{where}: command {id} has {count} events in the history, its acceptance appended {eventsOf[id]}");

            // Invariant 2: nothing realised without an earlier confiscation_order_final for the same order.
            for (var k = 0; k < entries.Count; k++)
            {
                if (entries[k].GetProperty("type").GetString() != "asset_realised") continue;
                var data = entries[k].GetProperty("data");
                var under = data.GetProperty("orderId").GetGuid();
                Check(entries.Take(k).Any(e => e.GetProperty("type").GetString() == "confiscation_order_final" && e.GetProperty("data").GetProperty("orderId").GetGuid() == under),
                    $"{where}: asset_realised (v{k + 1}) under {under} without an earlier confiscation_order_final for it");
                var kept = Amount(data.GetProperty("gross")) - (data.TryGetProperty("returnedToOwner", out var r) && r.ValueKind == JsonValueKind.Object ? Amount(r) : 0m);
                keptPerOrder[under] = keptPerOrder.GetValueOrDefault(under) + kept;
            }
        }

        // Invariant 5: what is realised under one order never exceeds its maximum amount (and equals the model's total).
        foreach (var (name, cap) in model.RegistryCap)
        {
            var id = orderId(name);
            var total = keptPerOrder.GetValueOrDefault(id);
            Check(total == model.Kept.GetValueOrDefault(name) / 100m, $"order {name} ({id}): {total:F2} realised in the histories, the model counted {model.Kept.GetValueOrDefault(name) / 100m:F2}");
            if (cap is { } c) Check(total <= c / 100m, $"order {name} ({id}): {total:F2} realised across assets, above its maximum amount {c / 100m:F2}");
        }

        // The case history: strictly increasing sequences, every asset event in it, realisations after finality.
        var caseHistory = await Client.Get($"/api/cases/{caseId}/history", Tokens.Prosecutor);
        Check(caseHistory.Status == HttpStatusCode.OK, $"case history answered {caseHistory}");
        var all = caseHistory.Json.EnumerateArray().ToList();
        for (var k = 1; k < all.Count; k++)
            Check(all[k].GetProperty("sequence").GetInt64() > all[k - 1].GetProperty("sequence").GetInt64(),
                $"case history: sequence {all[k].GetProperty("sequence")} at {k} does not follow {all[k - 1].GetProperty("sequence")}");
        var assetEvents = all.Count(e => e.GetProperty("streamKind").GetString() == "asset");
        Check(assetEvents == model.Assets.Sum(m => m.Version), $"case history has {assetEvents} asset events, the assets' versions add up to {model.Assets.Sum(m => m.Version)}");
        for (var k = 0; k < all.Count; k++)
        {
            if (all[k].GetProperty("type").GetString() != "asset_realised") continue;
            var stream = all[k].GetProperty("streamId").GetGuid();
            var under = all[k].GetProperty("data").GetProperty("orderId").GetGuid();
            Check(all.Take(k).Any(e => e.GetProperty("type").GetString() == "confiscation_order_final" && e.GetProperty("streamId").GetGuid() == stream
                                       && e.GetProperty("data").GetProperty("orderId").GetGuid() == under),
                $"case history: asset_realised of {stream} (sequence {all[k].GetProperty("sequence")}) without an earlier confiscation_order_final of {under}");
        }

        var verify = await Client.Get($"/api/audit/verify?caseId={caseId}", Tokens.Auditor);
        Check(verify.Status == HttpStatusCode.OK, $"audit verify answered {verify}");
        Check(verify["broken"].GetArrayLength() == 0, $"audit verify reports broken chains: {verify.Raw}");
        Check(verify["eventsChecked"].GetInt64() >= all.Count, $"audit verify checked {verify["eventsChecked"]} events, the case history has {all.Count}");
    }

    private static decimal Amount(JsonElement money)
    {
        var a = money.GetProperty("amount");
        return a.ValueKind == JsonValueKind.String ? decimal.Parse(a.GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture) : a.GetDecimal();
    }

    // ── the generated scripts ───────────────────────────────────────────────────────────────────────────────────

    private enum Mode { Fresh, Replay, Altered, OtherAsset }

    /// <summary>
    /// One request. <see cref="Label"/> names its command id: a replay carries the label (and a copy of the fields) of the
    /// step it repeats, so a script stays meaningful when shrinking drops the original (the replay is then simply the
    /// first use of its id). Amounts are in euro cents.
    /// </summary>
    private sealed record Step(int Label, int Asset, string Kind, string? Order = null, string? Variant = null,
        long Gross = 0, long Returned = 0, long Costs = 0, string Role = "investigator", Mode Mode = Mode.Fresh)
    {
        /// <summary>What makes two requests the same request: the asset (URL) and the body.</summary>
        public string Fingerprint => $"{Asset}|{Kind}|{Order}|{Variant}|{Gross}|{Returned}|{Costs}|{Mode == Mode.Altered}";

        public override string ToString()
        {
            var sb = new StringBuilder($"#{Label} a{Asset} {Kind}");
            if (Order is not null) sb.Append($"({Order}{(Variant is null ? "" : "," + Variant)})");
            if (Kind == "realise") sb.Append($"(gross {Gross / 100m:F2}, returned {Returned / 100m:F2}, costs {Costs / 100m:F2})");
            if (Kind == "valuation") sb.Append($" by {Role}");
            if (Mode != Mode.Fresh) sb.Append(Mode switch { Mode.Replay => " [replay: same id, same body]", Mode.Altered => " [same id, different body]", _ => " [same id and body, other asset]" });
            return sb.ToString();
        }
    }

    /// <summary>A case with 1–3 assets, the shared confiscation order S (cap in cents), each asset's own order C{a} (optional cap), and the steps.</summary>
    private sealed record Scenario(int Assets, long SharedCap, long?[] OwnCaps, IReadOnlyList<Step> Steps)
    {
        public override string ToString() =>
            $"  {Assets} asset(s); order S caps {SharedCap / 100m:F2} EUR over all assets; own orders: "
            + string.Join(", ", OwnCaps.Select((c, i) => $"C{i} {(c is { } v ? (v / 100m).ToString("F2", CultureInfo.InvariantCulture) + " EUR" : "no cap")}"))
            + "\n" + string.Join("\n", Steps.Select((s, i) => $"  {i}: {s}"));
    }

    private static class Requests
    {
        private static object Money(long cents) => new Dictionary<string, object?> { ["amount"] = (cents / 100m).ToString("F2", CultureInfo.InvariantCulture), ["currency"] = "EUR" };

        /// <summary>The details of an order as the step records it (an order's name fixes its reference, date and cap).</summary>
        public static (string Type, string Reference, string IssuedOn, string? ExpiresOn, long? Cap) OrderDetails(Step s, Scenario scenario)
        {
            var type = s.Kind["order:".Length..];
            var (reference, issuedOn, cap) = s.Order switch
            {
                "S" => ("C-SHARED", "2026-05-01", (long?)scenario.SharedCap),
                "R" => ("R-1", "2026-03-01", null),
                "L" => ("L-1", "2026-04-01", null),
                ['C', var d] => ($"C-OWN-{d}", "2026-05-02", scenario.OwnCaps[d - '0']),
                _ => ("X-1", "2026-05-03", null),
            };
            if (s.Variant == "odd") reference += "-B";
            if (s.Mode == Mode.Altered) issuedOn = "2026-05-20";
            return (type, reference, issuedOn, type == "restraint" ? "2027-03-01" : null, cap);
        }

        public static string DetailsKey(Step s, Scenario scenario) => OrderDetails(s, scenario).ToString();

        public static (string Route, string Body, string Token) Build(Step s, Scenario scenario, Guid commandId, Func<string, Guid> orderId)
        {
            var alt = s.Mode == Mode.Altered;
            var day = alt ? "2026-07-15" : "2026-07-01";
            var at = alt ? "2026-03-01T11:30:00Z" : "2026-03-01T10:00:00Z";
            var b = new Dictionary<string, object?> { ["commandId"] = commandId };
            string route, token;
            switch (s.Kind)
            {
                case "freeze":
                    route = "freeze"; token = Tokens.Investigator;
                    b["orderReference"] = "F-1"; b["frozenAt"] = at; b["amount"] = Money(12_000_000);
                    break;
                case "seize":
                    route = "seize"; token = Tokens.Investigator;
                    b["custodian"] = "ORD"; b["location"] = "Depot Utrecht"; b["seizedAt"] = at;
                    break;
                case "custody":
                    route = "custody-transfers"; token = Tokens.Investigator;
                    b["toCustodian"] = "Bank vault"; b["toLocation"] = "Amsterdam"; b["transferredAt"] = at;
                    break;
                case "valuation":
                    route = "valuations"; token = s.Role == "treasury" ? Tokens.Treasury : Tokens.Investigator;
                    b["value"] = Money(9_500_000); b["method"] = "appraisal"; b["valuer"] = "Valuer"; b["valuedOn"] = alt ? "2026-03-02" : "2026-03-01";
                    break;
                case "order:restraint" or "order:confiscation" or "order:release":
                    route = "orders"; token = Tokens.Prosecutor;
                    var d = OrderDetails(s, scenario);
                    b["orderId"] = orderId(s.Order!); b["type"] = d.Type; b["court"] = "Rechtbank Amsterdam"; b["reference"] = d.Reference;
                    b["issuedOn"] = d.IssuedOn; b["expiresOn"] = d.ExpiresOn; b["maxAmount"] = d.Cap is { } cap ? Money(cap) : null;
                    break;
                case "appeal":
                    route = "appeals"; token = Tokens.Prosecutor;
                    b["orderId"] = orderId(s.Order!); b["lodgedOn"] = day;
                    break;
                case "dismissed" or "allowed":
                    route = "appeal-decisions"; token = Tokens.Prosecutor;
                    b["orderId"] = orderId(s.Order!); b["outcome"] = s.Kind; b["decidedOn"] = day;
                    break;
                case "finality":
                    route = "finality"; token = Tokens.Prosecutor;
                    b["orderId"] = orderId(s.Order!); b["finalOn"] = day;
                    break;
                case "realise":
                    route = "realisation"; token = Tokens.Treasury;
                    b["gross"] = Money(s.Gross); b["costs"] = Money(s.Costs); b["method"] = "auction"; b["realisedOn"] = day;
                    b["returnedToOwner"] = s.Returned > 0 ? Money(s.Returned) : null;
                    break;
                case "release":
                    route = "release"; token = Tokens.Prosecutor;
                    b["reason"] = "court_order"; b["releasedOn"] = day;
                    break;
                case "dispose":
                    route = "disposal"; token = Tokens.Treasury;
                    b["method"] = "destroyed"; b["disposedOn"] = day;
                    break;
                default: throw new ArgumentOutOfRangeException(nameof(s), s.Kind);
            }
            return (route, JsonSerializer.Serialize(b), token);
        }
    }

    // ── the model ───────────────────────────────────────────────────────────────────────────────────────────────

    private abstract record Expectation
    {
        public sealed record Accepted(string Status, Action<ModelAsset> Apply) : Expectation { public long VersionDelta { get; set; } }
        public sealed record Refused(string Why) : Expectation;
        public sealed record Replayed : Expectation;
    }

    private sealed class ModelOrder(string name, string type)
    {
        public string Name { get; } = name;
        public string Type { get; } = type;
        public string Status { get; set; } = "in_force";
    }

    private sealed class ModelAsset
    {
        public string Status = "identified";
        public string? Before;
        public long Version = 1;
        public readonly List<ModelOrder> Orders = [];
        public ModelOrder? Find(string name) => Orders.FirstOrDefault(o => o.Name == name);
    }

    /// <summary>
    /// The lifecycle of domain.md and api.md as a table over wire statuses, plus what spans assets: the details an
    /// order id was first recorded with, its cap, the proceeds counted against it, and the command ids accepted.
    /// </summary>
    private sealed class Model(Scenario scenario)
    {
        private static readonly HashSet<string> Terminal = ["released", "realised", "disposed"];

        public readonly ModelAsset[] Assets = Enumerable.Range(0, scenario.Assets).Select(_ => new ModelAsset()).ToArray();
        public readonly Dictionary<string, string> Registry = [];
        public readonly Dictionary<string, long?> RegistryCap = [];
        public readonly Dictionary<string, long> Kept = [];
        private readonly Dictionary<int, string> accepted = [];

        public Expectation Expect(Step s)
        {
            if (accepted.TryGetValue(s.Label, out var fingerprint))
                return fingerprint == s.Fingerprint ? new Expectation.Replayed() : new Expectation.Refused("the command id was used for a different request");

            var a = Assets[s.Asset];
            var st = a.Status;
            if (Terminal.Contains(st)) return new Expectation.Refused($"'{st}' is terminal");
            Expectation Go(string to, Action<ModelAsset>? apply = null) => new Expectation.Accepted(to, apply ?? (_ => { }));
            Expectation No(string why) => new Expectation.Refused(why);

            switch (s.Kind)
            {
                case "freeze": return st == "identified" ? Go("frozen") : No($"freeze in '{st}'");
                case "seize": return st is "identified" or "frozen" ? Go("seized") : No($"seize in '{st}'");
                case "custody" or "valuation": return Go(st);
                case "order:restraint" or "order:confiscation" or "order:release":
                {
                    var name = s.Order!;
                    var type = s.Kind["order:".Length..];
                    if (a.Find(name) is not null) return No($"order {name} already on the asset");
                    var details = Requests.DetailsKey(s, scenario);
                    if (Registry.TryGetValue(name, out var registered) && registered != details) return No($"order {name} recorded elsewhere with other details");
                    var cap = Requests.OrderDetails(s, scenario).Cap;
                    void Record(ModelAsset m)
                    {
                        m.Orders.Add(new ModelOrder(name, type));
                        if (Registry.TryAdd(name, details)) RegistryCap[name] = cap;
                    }
                    return type switch
                    {
                        "restraint" => Go(st, Record),
                        "confiscation" when st is "frozen" or "seized" => Go("confiscation_ordered", m => { Record(m); m.Before = st; }),
                        "release" when st is "identified" or "frozen" or "seized" or "confiscation_ordered" => Go("released", Record),
                        _ => No($"{type} order in '{st}'"),
                    };
                }
                case "appeal" or "dismissed" or "allowed" or "finality":
                {
                    var o = a.Find(s.Order!);
                    if (o is null) return No($"order {s.Order} not on the asset");
                    if (o.Type != "confiscation" || o.Status == "quashed") return No($"order {s.Order} is not the confiscation order in force");
                    return (s.Kind, st) switch
                    {
                        ("appeal", "confiscation_ordered") => Go("under_appeal", _ => o.Status = "under_appeal"),
                        ("dismissed", "under_appeal") => Go("confiscation_ordered", _ => o.Status = "in_force"),
                        ("allowed", "under_appeal") => Go(a.Before!, _ => o.Status = "quashed"),
                        ("finality", "confiscation_ordered") => Go("confiscated", _ => o.Status = "final"),
                        _ => No($"{s.Kind} in '{st}'"),
                    };
                }
                case "realise":
                {
                    if (st != "confiscated") return No($"realise in '{st}'");
                    var order = a.Orders.Single(o => o.Type == "confiscation" && o.Status == "final").Name;
                    var kept = s.Gross - s.Returned;
                    var already = Kept.GetValueOrDefault(order);
                    if (RegistryCap.GetValueOrDefault(order) is { } cap && already + kept > cap)
                        return No($"cap: {already / 100m:F2} + {kept / 100m:F2} realised under {order} would exceed {cap / 100m:F2}");
                    return Go("realised", _ => Kept[order] = already + kept);
                }
                case "release": return st is "identified" or "frozen" or "seized" or "confiscation_ordered" ? Go("released") : No($"release in '{st}'");
                case "dispose": return st == "confiscated" ? Go("disposed") : No($"dispose in '{st}'");
                default: throw new ArgumentOutOfRangeException(nameof(s), s.Kind);
            }
        }

        /// <summary>Applies an accepted step; <paramref name="version"/> is the asset's new version (or null in the generator: one more).</summary>
        public void Commit(Step s, Expectation.Accepted e, long? version = null)
        {
            var a = Assets[s.Asset];
            e.Apply(a);
            a.Status = e.Status;
            var next = version ?? a.Version + 1;
            e.VersionDelta = next - a.Version;
            a.Version = next;
            accepted[s.Label] = s.Fingerprint;
        }
    }

    // ── the generator ───────────────────────────────────────────────────────────────────────────────────────────

    private static class Generator
    {
        public static Scenario Scenario(Random rng)
        {
            var assets = new[] { 1, 2, 2, 3, 3 }[rng.Next(5)];
            var sharedCap = rng.Next(30_000, 90_001) * 100L;
            var ownCaps = Enumerable.Range(0, assets).Select(_ => rng.Next(2) == 0 ? (long?)null : rng.Next(20_000, 80_001) * 100L).ToArray();
            var shell = new Scenario(assets, sharedCap, ownCaps, []);
            var model = new Model(shell);
            var steps = new List<Step>();
            var length = rng.Next(8, MaxSteps + 1);
            // A third of the scripts head for realisation under the shared order on every asset (so its cap is reached
            // across assets); the rest wander.
            var focused = assets > 1 && rng.NextDouble() < 0.33;
            var label = 0;
            while (steps.Count < length)
            {
                var step = steps.Count > 0 && rng.NextDouble() < (focused ? 0.05 : 0.1)
                    ? Repeat(rng, steps, assets)
                    : Next(rng, model, shell, label++, steps.Count > 0 ? steps[^1].Asset : -1, focused);
                if (model.Expect(step) is Expectation.Accepted accepted) model.Commit(step, accepted);
                steps.Add(step);
            }
            return shell with { Steps = steps };
        }

        /// <summary>A repeat of an earlier request's command id: same body, a different body, or the same body on another asset.</summary>
        private static Step Repeat(Random rng, List<Step> steps, int assets)
        {
            var originals = steps.Where(s => s.Mode == Mode.Fresh).ToList();
            var original = originals[rng.Next(originals.Count)];
            var roll = rng.NextDouble();
            if (roll < 0.6) return original with { Mode = Mode.Replay };
            if (roll < 0.85 || assets == 1) return original with { Mode = Mode.Altered };
            return original with { Mode = Mode.OtherAsset, Asset = (original.Asset + 1 + rng.Next(assets - 1)) % assets };
        }

        private static Step Next(Random rng, Model model, Scenario scenario, int label, int previous, bool focused)
        {
            // Often the asset of the previous step (so that assets get far), otherwise any.
            var asset = previous >= 0 && rng.NextDouble() < 0.5 ? previous : rng.Next(scenario.Assets);
            // Mostly an asset that can still move (commands on a finished asset are all refused alike).
            var open = Enumerable.Range(0, scenario.Assets).Where(a => model.Assets[a].Status is not ("released" or "realised" or "disposed")).ToList();
            if (open.Count > 0 && !open.Contains(asset) && rng.NextDouble() < 0.8) asset = open[rng.Next(open.Count)];
            // At a cap's edge: a realisation that brings the order's total exactly to its maximum amount (allowed), one cent over,
            // somewhat under or somewhat over; more often when another asset has already realised under the same order.
            var m = model.Assets[asset];
            if (m.Status == "confiscated"
                && m.Orders.Single(o => o.Type == "confiscation" && o.Status == "final").Name is var under
                && rng.NextDouble() < (model.Kept.GetValueOrDefault(under) > 0 ? 0.6 : 0.2)
                && model.RegistryCap.GetValueOrDefault(under) is { } cap && cap - model.Kept.GetValueOrDefault(under) is var room and > 0)
            {
                var returned = rng.Next(2) == 0 ? 0L : rng.Next(1, 500_000);
                var kept = room + rng.Next(4) switch { 0 => 0, 1 => 1, 2 => -rng.Next(1, (int)Math.Min(room, 1_000_000)), _ => rng.Next(2, 1_000_000) };
                return new Step(label, asset, "realise", Gross: kept + returned, Returned: returned, Costs: rng.Next(0, 100_000));
            }
            var pool = Pool(rng, asset, scenario.Assets, label, scenario.SharedCap);
            // Mostly a command the model accepts (so sequences get deep into the lifecycle) or a realisation over a cap, sometimes anything at all.
            if (rng.NextDouble() < (focused ? 0.95 : 0.85))
            {
                var legal = pool.Where(s => model.Expect(s) is Expectation.Accepted or Expectation.Refused { Why: ['c', 'a', 'p', ..] }).ToList();
                if (legal.Count > 0) return Weighted(rng, legal, focused);
            }
            return pool[rng.Next(pool.Count)];
        }

        private static int Weight(Step s) => (s.Kind, s.Order) switch
        {
            ("realise", _) => 20,
            ("order:confiscation", "S") => 20,
            ("finality", _) => 12,
            ("freeze", _) or ("seize", _) or ("appeal", _) => 8,
            ("order:confiscation", _) or ("dismissed", _) or ("allowed", _) or ("dispose", _) => 3,
            _ => 1, // custody, valuation, restraint, release, release order
        };

        private static int FocusedWeight(Step s) => (s.Kind, s.Order) switch
        {
            ("freeze", _) or ("seize", _) or ("order:confiscation", "S") or ("finality", "S") or ("realise", _) => 40,
            _ => Weight(s),
        };

        private static Step Weighted(Random rng, List<Step> candidates, bool focused)
        {
            Func<Step, int> weight = focused ? FocusedWeight : Weight;
            var total = candidates.Sum(weight);
            var pick = rng.Next(total);
            foreach (var c in candidates)
            {
                pick -= weight(c);
                if (pick < 0) return c;
            }
            return candidates[^1];
        }

        private static List<Step> Pool(Random rng, int a, int assets, int label, long sharedCap)
        {
            var other = assets > 1 ? $"C{(a + 1) % assets}" : "X";
            // Half the time 30–70 % of the shared order's cap, so that two realisations under it sometimes go over.
            var gross = rng.Next(2) == 0 ? rng.Next(3_000, 35_001) * 100L + rng.Next(100) : (long)(sharedCap * (0.3 + 0.4 * rng.NextDouble()));
            var returned = rng.NextDouble() < 0.3 ? gross * rng.Next(1, 40) / 100 : 0;
            var costs = rng.NextDouble() < 0.7 ? gross * rng.Next(0, 8) / 100 : 0;
            var role = rng.Next(2) == 0 ? "investigator" : "treasury";
            Step S(string kind, string? order = null, string? variant = null) => new(label, a, kind, order, variant, Role: role);
            return
            [
                S("freeze"), S("seize"), S("custody"), S("valuation"),
                S("order:restraint", "R"), S("order:restraint", "S"),
                S("order:confiscation", "S"), S("order:confiscation", $"C{a}"), S("order:confiscation", other),
                S("order:confiscation", "S", "odd"),
                S("order:release", "L"),
                S("appeal", "S"), S("appeal", $"C{a}"), S("appeal", "R"), S("appeal", "X"),
                S("dismissed", "S"), S("dismissed", $"C{a}"), S("dismissed", other),
                S("allowed", "S"), S("allowed", $"C{a}"), S("allowed", "X"),
                S("finality", "S"), S("finality", $"C{a}"), S("finality", "R"), S("finality", other),
                new(label, a, "realise", Gross: gross, Returned: returned, Costs: costs),
                S("release"), S("dispose"),
            ];
        }
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Test 2: random distributions
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────────

    private static readonly Dictionary<string, int> Decimals = new() { ["EUR"] = 2, ["JPY"] = 0, ["KWD"] = 3 };

    /// <summary>1 EUR = rate × currency, for the EUR 10,000 threshold.</summary>
    private static readonly Dictionary<string, string> ThresholdRate = new() { ["JPY"] = "161.37", ["KWD"] = "0.3317" };

    private static string Fmt(long minor, string currency) =>
        (minor / Pow10(Decimals[currency])).ToString("F" + Decimals[currency], CultureInfo.InvariantCulture);

    private static decimal Pow10(int d) => d switch { 0 => 1m, 2 => 100m, 3 => 1000m, _ => throw new ArgumentOutOfRangeException(nameof(d)) };

    private static long HalfUp(decimal minor) => (long)Math.Round(minor, 0, MidpointRounding.AwayFromZero);

    private sealed class ClaimModel(string victimRef, int? rank, int registered, long amount)
    {
        public string VictimRef { get; } = victimRef;
        public int? Rank { get; } = rank;
        public int Registered { get; } = registered;
        public long Amount { get; } = amount;
        public long Paid { get; set; }
        public long Outstanding => Amount - Paid;
    }

    private sealed record Alloc(string Kind, string PayeeType, string PayeeId, long Amount, string Status)
    {
        public override string ToString() => $"{Kind} {PayeeType}:{PayeeId} {Amount} {Status}";
    }

    [Fact]
    public async Task random_distributions_conserve_money_pay_victims_first_and_keep_the_claims_balance()
    {
        var seed = Seed();
        var rng = new Random(seed);
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("ASSETLEDGER_PROPERTY_CASES"), out var n) && n > 0 ? n : rng.Next(10, 21);
        var desk = Desk.NL;
        var clock = Stopwatch.StartNew();
        var distributions = 0;
        var regimesSeen = new Dictionary<string, int>();
        output.WriteLine($"seed {seed}, {iterations} cases (ASSETLEDGER_PROPERTY_SEED={seed} to reproduce)");

        for (var it = 0; it < iterations; it++)
        {
            var currency = new[] { "EUR", "JPY", "KWD" }[rng.Next(3)];
            var caseId = await Client.OpenCase(desk);
            var claims = new List<ClaimModel>();
            var log = new StringBuilder($"seed {seed}, case {it} ({caseId}) in {currency}:\n");
            // Amounts around the EUR 10,000 threshold in every currency.
            var scale = currency switch { "EUR" => 1_000_000L, "JPY" => 1_613_700L, _ => 3_317_000L };
            var rounds = rng.NextDouble() < 0.35 ? 2 : 1;

            for (var round = 0; round < rounds; round++)
            {
                for (var k = rng.Next(0, round == 0 ? 4 : 2); k > 0; k--)
                {
                    var c = new ClaimModel($"V-{claims.Count + 1}", rng.NextDouble() < 0.5 ? null : rng.Next(1, 4), claims.Count, 1 + (long)(rng.NextDouble() * scale * 0.8));
                    claims.Add(c);
                    await Client.Claim(desk, caseId, c.VictimRef, Fmt(c.Amount, currency), currency, c.Rank);
                    log.AppendLine($"  claim {c.VictimRef} {Fmt(c.Amount, currency)} rank {c.Rank?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
                }

                var baseMinor = 0L;
                var costsMinor = 0L;
                var assetCount = rng.Next(1, 4);
                var exactThreshold = currency == "EUR" && assetCount == 1 && rng.NextDouble() < 0.3;
                for (var k = 0; k < assetCount; k++)
                {
                    var gross = exactThreshold ? 1_000_000L + rng.Next(-1, 2) : 1 + (long)(rng.NextDouble() * scale * 2.5 / assetCount);
                    var returned = !exactThreshold && rng.NextDouble() < 0.3 ? (long)(gross * rng.NextDouble() * 0.5) : 0L;
                    var costs = rng.NextDouble() < 0.6 ? (long)(gross * rng.NextDouble() * 0.1) : 0L;
                    await Client.RealisedAsset(desk, caseId, Fmt(gross, currency), Fmt(costs, currency), currency, returned > 0 ? Fmt(returned, currency) : null);
                    baseMinor += gross - returned;
                    costsMinor += costs;
                    log.AppendLine($"  realised gross {Fmt(gross, currency)} costs {Fmt(costs, currency)} returned {Fmt(returned, currency)}");
                }

                var regime = new[] { "domestic", "eu-2018-1805", "fd-2006-783", "bilateral", "uk-aris" }[rng.Next(5)];
                regimesSeen[regime] = regimesSeen.GetValueOrDefault(regime) + 1;
                string? counterparty = null;
                object parameters = new { };
                decimal percent = 0m;
                var deductCosts = false;
                switch (regime)
                {
                    case "eu-2018-1805": counterparty = "DE"; break;
                    case "fd-2006-783": counterparty = rng.Next(2) == 0 ? "DE" : "FR"; break;
                    case "bilateral":
                        counterparty = "BE";
                        percent = rng.Next(0, 10_001) / 100m;
                        deductCosts = rng.Next(2) == 0;
                        parameters = new { counterpartyPercent = percent.ToString(CultureInfo.InvariantCulture), deductCosts };
                        break;
                    case "uk-aris": parameters = new { investigatingAgency = "NCA", prosecutingAgency = "CPS" }; break;
                }
                var needsThresholdRate = currency != "EUR" && regime is "eu-2018-1805" or "fd-2006-783";
                var fx = needsThresholdRate ? new[] { DistributionKit.Rate("EUR", currency, ThresholdRate[currency], "threshold") } : null;
                var distributionId = Guid.NewGuid();
                var body = DistributionKit.Body(distributionId, regime, counterparty, parameters, fx: fx);
                log.AppendLine($"  distribution {regime} {JsonSerializer.Serialize(body)}");

                // The model: victims first in rank then registration order, then the regime on R, we keep exactly the rest.
                var outstandingBefore = claims.Sum(c => c.Outstanding);
                var expected = new List<Alloc>();
                var remaining = baseMinor;
                foreach (var c in claims.Where(c => c.Outstanding > 0).OrderBy(c => c.Rank is null ? 1 : 0).ThenBy(c => c.Rank ?? 0).ThenBy(c => c.Registered))
                {
                    var paid = Math.Min(remaining, c.Outstanding);
                    remaining -= paid;
                    if (paid > 0) expected.Add(new Alloc("victim", "victim", c.VictimRef, paid, "due"));
                }
                var r = remaining;
                var regimeAllocs = new List<Alloc>();
                switch (regime)
                {
                    case "eu-2018-1805" or "fd-2006-783":
                    {
                        var inEur = currency == "EUR"
                            ? r / 100m
                            : Math.Round(r / Pow10(Decimals[currency]) / decimal.Parse(ThresholdRate[currency], CultureInfo.InvariantCulture), 2, MidpointRounding.AwayFromZero);
                        var shared = regime == "eu-2018-1805" ? inEur > 10_000m : inEur >= 10_000m;
                        var share = shared ? HalfUp(r * 50m / 100m) : 0;
                        if (share > 0) regimeAllocs.Add(new Alloc("share", "state", counterparty!.ToUpperInvariant(), share, "due"));
                        break;
                    }
                    case "bilateral":
                    {
                        var costs = deductCosts ? Math.Min(costsMinor, r) : 0;
                        if (costs > 0) regimeAllocs.Add(new Alloc("costs", "treasury", "NL", costs, "retained"));
                        var share = HalfUp((r - costs) * percent / 100m);
                        if (share > 0) regimeAllocs.Add(new Alloc("share", "state", "BE", share, "due"));
                        break;
                    }
                    case "uk-aris":
                        foreach (var (agency, pct) in new[] { ("NCA", 18.75m), ("CPS", 18.75m), ("HMCTS", 12.5m) })
                        {
                            var share = HalfUp(r * pct / 100m);
                            if (share > 0) regimeAllocs.Add(new Alloc("share", "agency", agency, share, "due"));
                        }
                        break;
                }
                expected.AddRange(regimeAllocs);
                var kept = r - regimeAllocs.Sum(a => a.Amount);
                if (kept > 0) expected.Add(new Alloc("share", "treasury", "NL", kept, "retained"));

                var reply = await Client.Distribute(desk, caseId, body);
                distributions++;
                var context = log + $"  → {(int)reply.Status} {Trim(reply.Raw)}";
                Assert.True(reply.Status == HttpStatusCode.Created, $"a valid distribution must be a 201\n{context}");

                // Base, and every amount with exactly the currency's decimals.
                var pattern = new Regex(Decimals[currency] == 0 ? @"^\d+$" : $@"^\d+\.\d{{{Decimals[currency]}}}$");
                Assert.True(reply["base"].GetProperty("currency").GetString() == currency, $"base currency\n{context}");
                var baseText = reply["base"].Amount();
                Assert.True(pattern.IsMatch(baseText), $"base amount '{baseText}' does not have exactly {Decimals[currency]} decimals\n{context}");
                Assert.True(ToMinor(baseText, currency) == baseMinor, $"base {baseText}, the realised assets kept {Fmt(baseMinor, currency)}\n{context}");

                var actual = new List<Alloc>();
                foreach (var a in reply.Allocations())
                {
                    var amount = a.GetProperty("amount");
                    var text = amount.Amount();
                    Assert.True(amount.GetProperty("currency").GetString() == currency, $"allocation currency {amount}\n{context}");
                    Assert.True(pattern.IsMatch(text), $"allocation amount '{text}' does not have exactly {Decimals[currency]} decimals (or is negative)\n{context}");
                    var minor = ToMinor(text, currency);
                    Assert.True(minor > 0, $"allocation of {text}: none may be negative, and allocations of zero are omitted\n{context}");
                    actual.Add(new Alloc(a.GetProperty("kind").GetString()!, a.GetProperty("payee").GetProperty("type").GetString()!,
                        a.GetProperty("payee").GetProperty("id").GetString()!, minor, a.GetProperty("status").GetString()!));
                }

                // Invariant 3: money is conserved exactly, in minor units.
                Assert.True(actual.Sum(a => a.Amount) == baseMinor,
                    $"allocations add up to {Fmt(actual.Sum(a => a.Amount), currency)}, the base is {Fmt(baseMinor, currency)}\n{context}");

                // Invariant 4: victims first — any non-victim allocation means every outstanding claim was paid in full.
                var toVictims = actual.Where(a => a.Kind == "victim").Sum(a => a.Amount);
                if (actual.Any(a => a.Kind != "victim"))
                    Assert.True(toVictims == outstandingBefore,
                        $"a share was allocated while victims got {Fmt(toVictims, currency)} of {Fmt(outstandingBefore, currency)} outstanding\n{context}");
                Assert.True(toVictims == Math.Min(baseMinor, outstandingBefore), $"victims got {Fmt(toVictims, currency)}, expected min(base, outstanding)\n{context}");

                // The exact allocations of distribution.md.
                var want = expected.Select(e => e.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToList();
                var got = actual.Select(e => e.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToList();
                Assert.True(want.SequenceEqual(got), $"allocations differ from distribution.md\n  expected [{string.Join("; ", want)}]\n  actual   [{string.Join("; ", got)}]\n{context}");

                // What the victims were paid reduces their claims.
                foreach (var a in actual.Where(a => a.Kind == "victim"))
                    claims.Single(c => c.VictimRef == a.PayeeId).Paid += a.Amount;

                // The case summary's outstanding victim claims: the claims minus every victim allocation (may lag 2 s).
                var outstanding = claims.Sum(c => c.Outstanding);
                var summary = await Scenarios.Eventually(() => Client.Get($"/api/cases/{caseId}", desk.Treasury),
                    s => s.Status == HttpStatusCode.OK && OutstandingOf(s, currency) == outstanding);
                Assert.True(summary.Status == HttpStatusCode.OK, summary.ToString());
                Assert.True(OutstandingOf(summary, currency) == outstanding,
                    $"victimClaims.outstanding {summary["victimClaims"]} , expected {Fmt(outstanding, currency)} {currency} (claims {Fmt(claims.Sum(c => c.Amount), currency)} minus allocated {Fmt(claims.Sum(c => c.Paid), currency)})\n{context}");
                Assert.Equal(claims.Count, summary["victimClaims"].GetProperty("count").GetInt32());

                // The stored distribution reads back the same.
                var stored = await Client.Get($"/api/cases/{caseId}/distributions/{distributionId}", desk.Treasury);
                Assert.True(stored.Status == HttpStatusCode.OK, stored.ToString());
                Assert.Equal(reply.Allocations().Select(DistributionKit.ToExpected), stored.Allocations().Select(DistributionKit.ToExpected));
            }
        }

        var verify = await Client.Get("/api/audit/verify", Tokens.Auditor);
        Assert.True(verify.Status == HttpStatusCode.OK, verify.ToString());
        Assert.Equal(0, verify["broken"].GetArrayLength());
        output.WriteLine($"{iterations} cases, {distributions} distributions ({string.Join(", ", regimesSeen.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}×{r.Value}"))}) in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static long ToMinor(string amount, string currency)
    {
        var value = decimal.Parse(amount, NumberStyles.Number, CultureInfo.InvariantCulture) * Pow10(Decimals[currency]);
        Assert.True(value == decimal.Truncate(value), $"{amount} has more decimals than {currency} allows");
        return (long)value;
    }

    /// <summary>The summary's outstanding victim claims in one currency; an absent entry is zero.</summary>
    private static long OutstandingOf(Reply summary, string currency)
    {
        foreach (var m in summary["victimClaims"].GetProperty("outstanding").EnumerateArray())
            if (m.GetProperty("currency").GetString() == currency)
                return ToMinor(m.Amount(), currency);
        return 0;
    }
}
