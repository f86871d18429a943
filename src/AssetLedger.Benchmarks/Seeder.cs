using System.Diagnostics;
using System.Text.Json;

namespace AssetLedger.Benchmarks;

/// <summary>Tokens for the roles the seeding and the measures act in (one jurisdiction, NL; agency FIOD).</summary>
public sealed record Users(string Investigator, string Prosecutor, string Treasury)
{
    public static Users Create(string key) => new(
        Tokens.Create(key, "bench-investigator", "Bench Investigator", ["investigator"]),
        Tokens.Create(key, "bench-prosecutor", "Bench Prosecutor", ["prosecutor"]),
        Tokens.Create(key, "bench-treasury", "Bench Treasury", ["treasury"]));
}

/// <summary>What the measures need, created through the public HTTP API only.</summary>
public sealed class Seeder(Api api, Users users, Sizes sizes, Action<string> log)
{
    private static object Money(string amount) => new { amount, currency = "EUR" };
    private static string NewId() => Guid.NewGuid().ToString();
    private int caseNo;

    public sealed record SeedRate(string What, long Requests, double Seconds)
    {
        public double PerSecond => Requests / Seconds;
    }

    public List<SeedRate> Rates { get; } = [];

    private async Task<Guid> OpenCaseAsync(string prefix)
    {
        var id = Guid.NewGuid();
        var n = Interlocked.Increment(ref caseNo);
        await api.ExpectAsync(api.PostAsync("/api/cases", users.Investigator, new
        {
            caseId = id, reference = $"BENCH-{prefix}-{n:D6}", title = $"Benchmark case {prefix} {n}",
            offences = new[] { "money_laundering" }, participatingAgencies = Array.Empty<string>(),
        }), "open case", 201);
        return id;
    }

    private async Task<Guid> AddAssetAsync(Guid caseId, int n)
    {
        var id = Guid.NewGuid();
        await api.ExpectAsync(api.PostAsync($"/api/cases/{caseId}/assets", users.Investigator, new
        {
            assetId = id, kind = "bank_account", description = $"Current account {n}",
            identifiers = new { iban = "NL91ABNA0417164300" }, location = "NL", holder = "Shell company B.V.",
        }), "add asset", 201);
        return id;
    }

    private Task<Reply> CommandAsync(Guid assetId, string command, string token, object body) =>
        api.ExpectAsync(api.PostAsync($"/api/assets/{assetId}/{command}", token, body), command, 200);

    /// <summary>P1's seizure (<c>POST /api/assets/{id}/seize</c>) of the <paramref name="n"/>th asset; the naive
    /// stack's P1 and the side-by-side windows send the same body.</summary>
    public static byte[] SeizureBody(int n) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        commandId = Guid.NewGuid(), custodian = "Domeinen Roerende Zaken", location = "Depot Utrecht",
        seizedAt = "2026-03-02T10:00:00Z", sealNumber = $"S-{n:D6}",
    });

    public static object ValuationBody(int n) => new
    {
        commandId = NewId(), value = Money($"{10_000 + n % 90_000}.00"), method = "appraisal",
        valuer = "Bench valuer", valuedOn = "2026-03-01",
    };

    /// <summary>Runs <c>work(i)</c> for i in [0, count) on <c>clients</c> workers; returns the seconds it took.</summary>
    private async Task<double> ParallelAsync(string what, int count, Func<int, Task> work)
    {
        var next = -1;
        var done = 0;
        var clock = Stopwatch.StartNew();
        var lastReport = 0L;
        await Task.WhenAll(Enumerable.Range(0, sizes.Clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await work(i);
                var d = Interlocked.Increment(ref done);
                var now = clock.ElapsedMilliseconds;
                if (now - Interlocked.Read(ref lastReport) > 10_000 && Interlocked.Exchange(ref lastReport, now) != now)
                    log($"  {what}: {d}/{count} after {now / 1000.0:F0} s");
            }
        })));
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>P1/P2: <c>sizes.Assets</c> identified assets, in cases of <c>AssetsPerCase</c> (each case filled by one worker, in order).</summary>
    public async Task<Guid[]> AssetsAsync()
    {
        var perCase = sizes.AssetsPerCase;
        var cases = (sizes.Assets + perCase - 1) / perCase;
        var assets = new Guid[sizes.Assets];
        var seconds = await ParallelAsync("assets", cases, async c =>
        {
            var caseId = await OpenCaseAsync("A");
            for (var k = c * perCase; k < Math.Min(sizes.Assets, (c + 1) * perCase); k++)
                assets[k] = await AddAssetAsync(caseId, k);
        });
        Rates.Add(new SeedRate("open case + add asset", cases + sizes.Assets, seconds));
        return assets;
    }

    /// <summary>P3: one case whose history holds exactly <c>sizes.HistoryEvents</c> events (4 assets, then valuations).</summary>
    public async Task<Guid> HistoryCaseAsync()
    {
        var caseId = await OpenCaseAsync("H");
        var assets = new List<Guid>();
        for (var k = 0; k < 4; k++) assets.Add(await AddAssetAsync(caseId, k));
        var have = (await api.ExpectAsync(api.GetAsync($"/api/cases/{caseId}/history", users.Investigator), "history", 200)).Json().GetArrayLength();
        var missing = sizes.HistoryEvents - have;
        if (missing < 0) throw new BenchmarkException($"The history case already has {have} events, more than {sizes.HistoryEvents}.");
        // One worker per asset: valuations of one asset are sequential, so no stream conflicts.
        await Task.WhenAll(assets.Select((asset, w) => Task.Run(async () =>
        {
            for (var i = w; i < missing; i += assets.Count)
                await CommandAsync(asset, "valuations", users.Investigator, ValuationBody(i));
        })));
        var count = (await api.ExpectAsync(api.GetAsync($"/api/cases/{caseId}/history", users.Investigator), "history", 200)).Json().GetArrayLength();
        if (count != sizes.HistoryEvents)
            throw new BenchmarkException($"The history case has {count} events, expected {sizes.HistoryEvents}.");
        return caseId;
    }

    private static readonly string[] States = ["DE", "BE", "FR", "IT", "ES", "AT", "PL"];

    /// <summary>
    /// P5: <c>sizes.Distributions</c> distributions (regime eu-2018-1805, one realised asset each, issuing State
    /// rotating over seven), in cases of <c>DistributionsPerCase</c>; every second State share is settled in full.
    /// Each asset: add, freeze, confiscation order, finality, realisation; then the distribution.
    /// </summary>
    public async Task<int> DistributionsAsync()
    {
        var perCase = sizes.DistributionsPerCase;
        var cases = (sizes.Distributions + perCase - 1) / perCase;
        var settled = 0;
        var seconds = await ParallelAsync("distributions", cases, async c =>
        {
            var caseId = await OpenCaseAsync("D");
            for (var k = c * perCase; k < Math.Min(sizes.Distributions, (c + 1) * perCase); k++)
            {
                var asset = await AddAssetAsync(caseId, k);
                var order = Guid.NewGuid();
                await CommandAsync(asset, "freeze", users.Investigator, new
                {
                    commandId = NewId(), orderReference = $"RC-{k}", frozenAt = "2026-03-01T10:00:00Z", amount = Money("120000.00"),
                });
                await CommandAsync(asset, "orders", users.Prosecutor, new
                {
                    commandId = NewId(), orderId = order, type = "confiscation", court = "Rechtbank Amsterdam",
                    reference = $"CO-{k}", issuedOn = "2026-05-01",
                });
                await CommandAsync(asset, "finality", users.Prosecutor, new { commandId = NewId(), orderId = order, finalOn = "2026-06-01" });
                await CommandAsync(asset, "realisation", users.Treasury, new
                {
                    commandId = NewId(), gross = Money($"{20_000 + k % 37 * 1_000}.00"), costs = Money("250.00"),
                    method = "sale", realisedOn = "2026-06-02",
                });
                var distributionId = Guid.NewGuid();
                var distribution = (await api.ExpectAsync(api.PostAsync($"/api/cases/{caseId}/distributions", users.Treasury, new
                {
                    distributionId, regime = "eu-2018-1805", counterparty = States[k % States.Length], assetIds = new[] { asset },
                }), "distribution", 201)).Json();
                if (k % 2 == 0)
                {
                    foreach (var a in distribution.GetProperty("allocations").EnumerateArray())
                    {
                        if (a.GetProperty("payee").GetProperty("type").GetString() != "state") continue;
                        await api.ExpectAsync(api.PostAsync($"/api/cases/{caseId}/distributions/{distributionId}/settlements", users.Treasury, new
                        {
                            commandId = NewId(), allocationId = a.GetProperty("allocationId").GetString(),
                            amount = JsonSerializer.Deserialize<object>(a.GetProperty("amount").GetRawText()),
                            settledOn = "2026-07-01", bankReference = $"BR-{k}",
                        }), "settlement", 200);
                        Interlocked.Increment(ref settled);
                    }
                }
            }
        });
        Rates.Add(new SeedRate("P5 seeding (case, add asset, freeze, order, finality, realisation, distribution, settlement)",
            cases + 6L * sizes.Distributions + settled, seconds));
        return settled;
    }

    /// <summary>P4 (full size): valuations on the P2 assets, round robin, until the store holds <c>target</c> events.</summary>
    public async Task TopUpEventsAsync(Guid[] assets, long have, long target)
    {
        var missing = (int)Math.Max(0, target - have);
        if (missing == 0) return;
        var seconds = await ParallelAsync($"valuations for P4", missing, i =>
            CommandAsync(assets[i % assets.Length], "valuations", users.Investigator, ValuationBody(i)));
        Rates.Add(new SeedRate("valuation (P4 top-up)", missing, seconds));
    }
}
