using System.Globalization;

namespace AssetLedger.Benchmarks;

/// <summary>Data sizes and timings of one run. Full sizes are those of quality.md (P1–P7).</summary>
public sealed record Sizes(
    int Assets,               // P2: assets whose status is read; the first ones also feed P1 (fresh identified assets)
    int AssetsPerCase,        // assets are spread over cases of this size (a case stream serialises its additions)
    int HistoryEvents,        // P3: events in the one case whose history is read
    int Distributions,        // P5: distributions the reconciliation runs over
    int DistributionsPerCase, // P5: realised assets (one distribution each) per case
    long RebuildEvents,       // P4: events in the store before the rebuild (topped up with valuations); 0 = what the other measures left
    TimeSpan SteadyState,     // before P1: untimed load until the service's background JIT settles (at least this, at most 4x)
    TimeSpan Warmup,          // P1, P2: untimed load before each timed window
    TimeSpan Duration,        // P1, P2: timed window, for the service and for the raw baseline each
    int LatencySamples,       // P3, P5: timed sequential requests
    int Clients)              // P1, P2: concurrent clients (and raw connections)
{
    // Quick: a fresh machine's whole run, the first ReadyToRun publish (about 60 s) included, stays
    // under 4 minutes (with 12,000 assets, 5 s warm-ups and a 92 s publish it took 256 s in all).
    // 15,000 assets: with group commit P1 ran through 11,000 fresh assets before its window ended.
    public static readonly Sizes Quick = new(
        Assets: 15_000, AssetsPerCase: 50, HistoryEvents: 200, Distributions: 300, DistributionsPerCase: 5,
        RebuildEvents: 0, SteadyState: TimeSpan.FromSeconds(15), Warmup: TimeSpan.FromSeconds(3), Duration: TimeSpan.FromSeconds(6), LatencySamples: 100, Clients: 8);

    public static readonly Sizes Full = new(
        Assets: 100_000, AssetsPerCase: 50, HistoryEvents: 1_000, Distributions: 10_000, DistributionsPerCase: 5,
        RebuildEvents: 1_000_000, SteadyState: TimeSpan.FromSeconds(30), Warmup: TimeSpan.FromSeconds(10), Duration: TimeSpan.FromSeconds(30), LatencySamples: 500, Clients: 8);
}

public sealed class BenchOptions
{
    public string ConnectionString { get; private set; } = "";
    public string ServiceDll { get; private set; } = "src/AssetLedger.Api/bin/Release/net10.0/AssetLedger.Api.dll";
    public int Port { get; private set; } = 55451;
    public bool Quick { get; private set; }
    public string? JsonPath { get; private set; }
    public string? PidFile { get; private set; }
    public string WorkDir { get; private set; } = ".data/bench";
    public string? Note { get; private set; }
    /// <summary>Run the two-ledger message round trip with this many certificates instead of P1–P7.</summary>
    public int? RoundTrips { get; private set; }
    public int? ImportAssets { get; private set; }
    /// <summary>Run P4 alone on an imported store of at least this many events instead of P1–P7.</summary>
    public long? RebuildAt { get; private set; }
    /// <summary>The naive Marten + Wolverine service (src/AssetLedger.Naive, published); P1 is also measured on it when set.</summary>
    public string? NaiveDll { get; private set; }
    /// <summary>P1 of these builds side by side (<see cref="P1Ab"/>) instead of P1–P7.</summary>
    public IReadOnlyList<P1Ab.Variant>? P1Ab { get; private set; }
    public int AbRounds { get; private set; } = 4;
    /// <summary>P1's rounds: this service's window and the raw window, taken in turn this many times
    /// (the order reversed every other round), each window Duration ÷ rounds after Warmup ÷ rounds; the
    /// rates are the medians. 1: one window each, ours first (the method until 2026-12-08).</summary>
    public int P1Rounds { get; private set; } = 3;
    /// <summary>--ab-valuations: the side-by-side windows measure valuations (any number of rounds) instead of seizures.</summary>
    public bool AbValuations { get; private set; }
    public Sizes Sizes { get; private set; } = Sizes.Full;

    public string ServiceLog => Path.Combine(WorkDir, "service.log");
    public string RebuildLog => Path.Combine(WorkDir, "rebuild.log");

    public const string Usage = """
        usage: AssetLedger.Benchmarks --connection <npgsql connection string> [--quick] [--json PATH]
                 [--service-dll PATH] [--naive-dll PATH] [--port 55451] [--work-dir .data/bench] [--pid-file PATH] [--note TEXT]
                 [--assets N] [--history-events N] [--distributions N] [--rebuild-events N]
                 [--duration SECONDS] [--warmup SECONDS] [--steady-state SECONDS] [--samples N] [--clients N]
                 [--p1-rounds K]   (P1's windows, ours and raw in turn K times; default 3)
                 [--roundtrip N]   (instead: the NL→DE→NL certificate round trip over N certificates)
                 [--import N]      (instead: P6, importing a generated register of N assets against raw COPY)
                 [--rebuild N]     (instead: P4 alone, on an imported register of at least N events)
                 [--p1-ab A=DLL,B=DLL [--ab-rounds K] [--ab-valuations]]  (instead: P1 of these builds, their windows in turn)
        Normally run through ops/bench.sh, which starts PostgreSQL and builds everything in Release.
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--connection": o.ConnectionString = Next(); break;
                case "--service-dll": o.ServiceDll = Next(); break;
                case "--port": o.Port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--quick": o.Quick = true; break;
                case "--json": o.JsonPath = Next(); break;
                case "--pid-file": o.PidFile = Next(); break;
                case "--work-dir": o.WorkDir = Next(); break;
                case "--note": o.Note = Next(); break;
                case "--roundtrip": o.RoundTrips = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--import": o.ImportAssets = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--naive-dll": o.NaiveDll = Next(); break;
                case "--rebuild": o.RebuildAt = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--ab-valuations": o.AbValuations = true; break;
                case "--p1-ab": o.P1Ab = Benchmarks.P1Ab.ParseVariants(Next()); break;
                case "--p1-rounds": o.P1Rounds = int.Parse(Next(), CultureInfo.InvariantCulture) is var r and >= 1 ? r : throw new ArgumentException("--p1-rounds must be at least 1."); break;
                case "--ab-rounds": o.AbRounds = int.Parse(Next(), CultureInfo.InvariantCulture) is var k and >= 1 ? k : throw new ArgumentException("--ab-rounds must be at least 1."); break;
                case "--assets" or "--history-events" or "--distributions" or "--rebuild-events"
                    or "--duration" or "--warmup" or "--steady-state" or "--samples" or "--clients":
                    var key = args[i];
                    overrides[key] = Next();
                    break;
                case "-h" or "--help": throw new ArgumentException("");
                default: throw new ArgumentException($"Unknown argument {args[i]}.");
            }
        }
        if (string.IsNullOrWhiteSpace(o.ConnectionString)) throw new ArgumentException("--connection is required.");

        var s = o.Quick ? Sizes.Quick : Sizes.Full;
        foreach (var (key, value) in overrides)
        {
            var inv = CultureInfo.InvariantCulture;
            s = key switch
            {
                "--assets" => s with { Assets = int.Parse(value, inv) },
                "--history-events" => s with { HistoryEvents = int.Parse(value, inv) },
                "--distributions" => s with { Distributions = int.Parse(value, inv) },
                "--rebuild-events" => s with { RebuildEvents = long.Parse(value, inv) },
                "--duration" => s with { Duration = TimeSpan.FromSeconds(double.Parse(value, inv)) },
                "--warmup" => s with { Warmup = TimeSpan.FromSeconds(double.Parse(value, inv)) },
                "--steady-state" => s with { SteadyState = TimeSpan.FromSeconds(double.Parse(value, inv)) },
                "--samples" => s with { LatencySamples = int.Parse(value, inv) },
                "--clients" => s with { Clients = int.Parse(value, inv) },
                _ => s,
            };
        }
        if (s.Assets < s.Clients || s.HistoryEvents < 20 || s.Distributions < 1 || s.LatencySamples < 1 || s.Clients < 1)
            throw new ArgumentException("Sizes too small: assets ≥ clients, history events ≥ 20, distributions ≥ 1, samples ≥ 1, clients ≥ 1.");
        o.Sizes = s;
        Directory.CreateDirectory(o.WorkDir);
        return o;
    }
}
