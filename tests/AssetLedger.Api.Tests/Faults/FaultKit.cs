using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;
using Npgsql;

namespace AssetLedger.Api.Tests.Faults;

/// <summary>One request the load sends: everything needed to send it again with the same key.</summary>
/// <param name="Kind">open_case, add_asset, freeze, seize, valuation, custody, confiscation, finality, or read.</param>
/// <param name="Key">The idempotency key (caseId, assetId or commandId); null for reads.</param>
/// <param name="ExpectedEvents">How many events one application of the command appends (all carry the key as commandId).</param>
public sealed record Planned(
    string Kind, HttpMethod Method, string Url, string? Body, string Token, Guid? Key, Guid? CaseId, Guid? AssetId, int ExpectedEvents)
{
    public bool IsCommand => Key is not null;
}

/// <summary>One request as sent and what came back (or did not).</summary>
/// <param name="Target">Which service instance it went to.</param>
/// <param name="StartedAt">Since the start of the run.</param>
/// <param name="Status">Null: no response (connection refused or reset, timeout).</param>
public sealed record Exchange(
    int Client, Planned Request, string Target, TimeSpan StartedAt, TimeSpan Latency, int? Status,
    string? MediaType, bool HasRetryAfter, string Detail, bool IsReplay = false, Guid? PairId = null)
{
    public TimeSpan EndedAt => StartedAt + Latency;
    public bool Ok => Status is >= 200 and < 300;
    public bool NoResponse => Status is null;
    public bool Unavailable => Status == 503;

    /// <summary>A command whose outcome the client cannot know: it may or may not be stored.</summary>
    public bool Ambiguous => Request.IsCommand && (NoResponse || Status >= 500);

    public override string ToString() =>
        $"[{Target} c{Client} +{StartedAt.TotalSeconds:F2}s {Latency.TotalMilliseconds:F0}ms] {Request.Method} {Request.Url} {Request.Kind}" +
        $" key={Request.Key} -> {(Status is { } s ? s.ToString(CultureInfo.InvariantCulture) : "no response")} {Truncate(Detail, 300)}";

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n] + "…";
}

/// <summary>The API's requests, as the load sends them, with unique keys.</summary>
public static class Requests
{
    private static string Json(object body) => JsonSerializer.Serialize(body);

    public static Planned OpenCase(Guid caseId, string reference) =>
        new("open_case", HttpMethod.Post, "/api/cases",
            Json(new { caseId, reference, title = "Operation Fault " + reference, offences = new[] { "money_laundering" }, participatingAgencies = Array.Empty<string>() }),
            Tokens.Investigator, caseId, caseId, null, 1);

    /// <summary>Two events: asset_added_to_case on the case stream, asset_registered on the new asset stream.</summary>
    public static Planned AddAsset(Guid caseId, Guid assetId) =>
        new("add_asset", HttpMethod.Post, $"/api/cases/{caseId}/assets",
            Json(new { assetId, kind = "bank_account", description = "Current account", identifiers = new { iban = "NL91ABNA0417164300" }, location = "NL", holder = "Shell company B.V." }),
            Tokens.Investigator, assetId, caseId, assetId, 2);

    public static Planned Freeze(Guid caseId, Guid assetId, Guid commandId) =>
        AssetCommand("freeze", "freeze", caseId, assetId, Tokens.Investigator, 1,
            new { commandId, orderReference = "R-" + commandId.ToString("N")[..6], frozenAt = "2026-03-01T10:00:00Z", amount = new { amount = "120000.00", currency = "EUR" } });

    public static Planned Seize(Guid caseId, Guid assetId, Guid commandId) =>
        AssetCommand("seize", "seize", caseId, assetId, Tokens.Investigator, 1,
            new { commandId, custodian = "ORD", location = "Depot Utrecht", seizedAt = "2026-03-02T10:00:00Z" });

    public static Planned Valuation(Guid caseId, Guid assetId, Guid commandId, int n) =>
        AssetCommand("valuation", "valuations", caseId, assetId, Tokens.Investigator, 1,
            new { commandId, value = new { amount = (100000 + n).ToString(CultureInfo.InvariantCulture) + ".00", currency = "EUR" }, method = "book", valuer = "Bank", valuedOn = "2026-03-03" });

    public static Planned Custody(Guid caseId, Guid assetId, Guid commandId, int n) =>
        AssetCommand("custody", "custody-transfers", caseId, assetId, Tokens.Investigator, 1,
            new { commandId, toCustodian = "Custodian " + n.ToString(CultureInfo.InvariantCulture), toLocation = "Depot " + n.ToString(CultureInfo.InvariantCulture), transferredAt = "2026-03-04T10:00:00Z" });

    /// <summary>Three events: confiscation_ordered on the asset, order_registered and order_applied_to_asset on the order's stream.</summary>
    public static Planned Confiscation(Guid caseId, Guid assetId, Guid commandId, Guid orderId) =>
        AssetCommand("confiscation", "orders", caseId, assetId, Tokens.Prosecutor, 3,
            new { commandId, orderId, type = "confiscation", court = "Rechtbank Amsterdam", reference = "C-" + orderId.ToString("N")[..6], issuedOn = "2026-05-01" });

    public static Planned Finality(Guid caseId, Guid assetId, Guid commandId, Guid orderId) =>
        AssetCommand("finality", "finality", caseId, assetId, Tokens.Prosecutor, 1,
            new { commandId, orderId, finalOn = "2026-06-01" });

    public static Planned ReadAsset(Guid caseId, Guid assetId) =>
        new("read", HttpMethod.Get, $"/api/assets/{assetId}", null, Tokens.Investigator, null, caseId, assetId, 0);

    private static Planned AssetCommand(string kind, string route, Guid caseId, Guid assetId, string token, int events, object body) =>
        new(kind, HttpMethod.Post, $"/api/assets/{assetId}/{route}", Json(body), token,
            JsonSerializer.SerializeToElement(body).GetProperty("commandId").GetGuid(), caseId, assetId, events);
}

/// <summary>A service instance the load talks to.</summary>
public sealed record Target(string Name, HttpClient Http);

/// <summary>
/// A load run: a clock, every exchange, and the moments faults were injected. Thread-safe.
/// </summary>
public sealed class LoadRun
{
    public const string ProblemJson = "application/problem+json";

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Exchange> _exchanges = new();
    private readonly ConcurrentQueue<(string What, TimeSpan At)> _marks = new();

    public TimeSpan Now => _clock.Elapsed;
    public IReadOnlyList<Exchange> Exchanges => [.. _exchanges.OrderBy(e => e.StartedAt)];
    public IReadOnlyList<(string What, TimeSpan At)> Marks => [.. _marks.OrderBy(m => m.At)];

    public TimeSpan Mark(string what)
    {
        var at = Now;
        _marks.Enqueue((what, at));
        return at;
    }

    public async Task<Exchange> SendAsync(int client, Target target, Planned p, bool isReplay = false, Guid? pairId = null)
    {
        var started = Now;
        int? status = null;
        string? mediaType = null;
        var retryAfter = false;
        string detail;
        try
        {
            using var request = new HttpRequestMessage(p.Method, p.Url);
            if (p.Body is not null) request.Content = new StringContent(p.Body, Encoding.UTF8, "application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", p.Token);
            using var response = await target.Http.SendAsync(request);
            detail = await response.Content.ReadAsStringAsync();
            status = (int)response.StatusCode;
            mediaType = response.Content.Headers.ContentType?.MediaType;
            retryAfter = response.Headers.RetryAfter is not null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or SocketException)
        {
            detail = $"{ex.GetType().Name}: {ex.GetBaseException().Message}";
        }
        var exchange = new Exchange(client, p, target.Name, started, Now - started, status, mediaType, retryAfter, detail, isReplay, pairId);
        _exchanges.Enqueue(exchange);
        return exchange;
    }

    /// <summary>Polls /health/ready until stopped; records each probe as an exchange of kind "ready".</summary>
    public async Task ProbeReadinessAsync(Func<Target?> target, CancellationToken stop)
    {
        var probe = new Planned("ready", HttpMethod.Get, "/health/ready", null, "", null, null, null, 0);
        while (!stop.IsCancellationRequested)
        {
            if (target() is { } t) await SendAsync(-1, t, probe);
            try { await Task.Delay(250, stop); } catch (OperationCanceledException) { }
        }
    }

    private readonly ConcurrentQueue<(TimeSpan At, int Threads, long Queued)> _pool = new();

    /// <summary>
    /// Samples this process's thread pool every 100 ms: for an in-process host, threads blocked by
    /// the database client (a frozen server) show up here as a growing pool and queued work.
    /// </summary>
    public async Task SampleThreadPoolAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            _pool.Enqueue((Now, ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount));
            try { await Task.Delay(100, stop); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Every ambiguous command, sent again (same key, same body) to <paramref name="target"/>: the way a client resolves it.</summary>
    public async Task<IReadOnlyList<(Exchange Original, Exchange Replay)>> ReplayAmbiguousAsync(Target target)
    {
        // One replay per key, in the order first sent; keys that ended with a definite answer are settled.
        var settled = Exchanges.Where(e => e.Request.IsCommand && !e.Ambiguous).Select(e => e.Request.Key).ToHashSet();
        var pending = Exchanges.Where(e => e.Ambiguous && !settled.Contains(e.Request.Key))
            .GroupBy(e => e.Request.Key).Select(g => g.First()).ToList();
        var replays = new List<(Exchange, Exchange)>();
        foreach (var original in pending)
            replays.Add((original, await SendAsync(-2, target, original.Request, isReplay: true)));
        return replays;
    }

    /// <summary>
    /// One request of each kind, one after the other, all expected to succeed: the service generates
    /// and compiles its Marten and Wolverine code at first use, which takes seconds on a cold process.
    /// Fault tests that are not about a cold start warm the service up first.
    /// </summary>
    public async Task WarmUpAsync(Target target)
    {
        var caseId = Guid.NewGuid();
        var assetId = Guid.NewGuid();
        var orderId = Guid.NewGuid();
        var tag = Guid.NewGuid().ToString("N")[..8];
        Planned[] sequence =
        [
            Requests.OpenCase(caseId, "WARM-" + target.Name + "-" + tag),
            Requests.AddAsset(caseId, assetId),
            Requests.ReadAsset(caseId, assetId),
            Requests.Freeze(caseId, assetId, Guid.NewGuid()),
            Requests.Seize(caseId, assetId, Guid.NewGuid()),
            Requests.Valuation(caseId, assetId, Guid.NewGuid(), 1),
            Requests.Custody(caseId, assetId, Guid.NewGuid(), 1),
            Requests.Confiscation(caseId, assetId, Guid.NewGuid(), orderId),
            Requests.Finality(caseId, assetId, Guid.NewGuid(), orderId),
        ];
        foreach (var p in sequence)
        {
            var e = await SendAsync(-3, target, p);
            Assert.True(e.Ok, $"warm-up request failed: {e}");
        }
    }

    public string Figures(string title)
    {
        var all = Exchanges.Where(e => e.Request.Kind != "ready").ToList();
        var byStatus = all.GroupBy(e => e.Status?.ToString(CultureInfo.InvariantCulture) ?? "none").OrderBy(g => g.Key)
            .Select(g => $"{g.Key}: {g.Count()}");
        var latencies = all.Where(e => !e.NoResponse).Select(e => e.Latency.TotalMilliseconds).Order().ToList();
        double P(double q) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"== {title} ==");
        sb.AppendLine(CultureInfo.InvariantCulture, $"requests: {all.Count} ({all.Count(e => e.Request.IsCommand)} commands, {all.Count(e => e.IsReplay)} replays); by status: {string.Join(", ", byStatus)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"5xx other than 503: {all.Count(e => e.Status >= 500 && e.Status != 503)}; 503: {all.Count(e => e.Unavailable)}; no response: {all.Count(e => e.NoResponse)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"latency ms (answered): p50 {P(0.50):F0}, p99 {P(0.99):F0}, max {(latencies.Count == 0 ? 0 : latencies[^1]):F0}; no-response max {all.Where(e => e.NoResponse).Select(e => e.Latency.TotalMilliseconds).DefaultIfEmpty(0).Max():F0}");
        var ready = Exchanges.Where(e => e.Request.Kind == "ready").ToList();
        if (ready.Count > 0)
            sb.AppendLine(CultureInfo.InvariantCulture, $"readiness probes: {ready.Count} ({ready.Count(e => e.Status == 200)} ready, {ready.Count(e => e.Status == 503)} unavailable, {ready.Count(e => e.NoResponse)} no response)");
        sb.AppendLine("marks: " + string.Join(", ", Marks.Select(m => $"{m.What} +{m.At.TotalSeconds:F2}s")));
        if (!_pool.IsEmpty)
        {
            var most = _pool.MaxBy(s => s.Threads);
            var queued = _pool.MaxBy(s => s.Queued);
            var perSecond = string.Join(" ", _pool.GroupBy(s => (int)s.At.TotalSeconds).Select(g => g.Max(s => s.Threads)));
            sb.AppendLine(CultureInfo.InvariantCulture, $"thread pool (this process): {_pool.First().Threads} threads at the start, most {most.Threads} at +{most.At.TotalSeconds:F1}s; " +
                                                        $"most work items queued {queued.Queued} at +{queued.At.TotalSeconds:F1}s; threads each second: {perSecond}");
        }
        sb.AppendLine("slowest: ");
        foreach (var e in Exchanges.OrderByDescending(e => e.Latency).Take(5)) sb.AppendLine("  " + e);
        return sb.ToString();
    }
}

/// <summary>
/// A client that works on entities of its own (no races between clients): it opens cases, adds
/// assets and drives them freeze → seize → confiscation → finality, with valuations and custody
/// transfers in between, and reads. A command without a definite answer (503, no response) puts its
/// entity in doubt: the client sends nothing more about it, as a real client would until it has
/// resolved the doubt by replaying the request with the same key (done after the run).
/// </summary>
public sealed class OwnedEntitiesClient(int index, LoadRun run, Func<Target> target, int seed)
{
    private sealed class AssetState(Guid caseId, Guid id)
    {
        public Guid CaseId { get; } = caseId;
        public Guid Id { get; } = id;
        public string Status { get; set; } = "identified";
        public Guid? OrderId { get; set; }
    }

    private readonly Random _random = new(seed);
    private readonly List<Guid> _cases = [];
    private readonly List<AssetState> _assets = [];
    private int _n;

    /// <summary>Pause after a 503 or no response: a client that backs off a little (not the full Retry-After, to keep probing the outage).</summary>
    public static readonly TimeSpan BackOff = TimeSpan.FromMilliseconds(100);

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var (p, asset) = Next();
            var e = await run.SendAsync(index, target(), p);
            if (e.Ok)
            {
                switch (p.Kind)
                {
                    case "open_case": _cases.Add(p.CaseId!.Value); break;
                    case "add_asset": _assets.Add(new AssetState(p.CaseId!.Value, p.AssetId!.Value)); break;
                    case "read": break;
                    default:
                        using (var doc = JsonDocument.Parse(e.Detail))
                            asset!.Status = doc.RootElement.GetProperty("status").GetString()!;
                        break;
                }
            }
            else if (e.Ambiguous)
            {
                if (asset is not null) _assets.Remove(asset); // in doubt: left alone until replayed
            }
            if (!e.Ok) await Task.Delay(BackOff, CancellationToken.None);
        }
    }

    private (Planned, AssetState?) Next()
    {
        _n++;
        var r = _random.NextDouble();
        if (_cases.Count == 0 || r < 0.08)
            return (Requests.OpenCase(Guid.NewGuid(), $"F{index}-{_n}-{Guid.NewGuid().ToString("N")[..6]}"), null);
        if (_assets.Count == 0 || r < 0.22)
            return (Requests.AddAsset(_cases[_random.Next(_cases.Count)], Guid.NewGuid()), null);
        var a = _assets[_random.Next(_assets.Count)];
        if (r < 0.30) return (Requests.ReadAsset(a.CaseId, a.Id), a);
        var cmd = Guid.NewGuid();
        if (r < 0.45) return (Requests.Valuation(a.CaseId, a.Id, cmd, _n), a);
        if (r < 0.52) return (Requests.Custody(a.CaseId, a.Id, cmd, _n), a);
        switch (a.Status)
        {
            case "identified":
                return (_random.Next(3) == 0 ? Requests.Seize(a.CaseId, a.Id, cmd) : Requests.Freeze(a.CaseId, a.Id, cmd), a);
            case "frozen":
                if (_random.Next(2) == 0) return (Requests.Seize(a.CaseId, a.Id, cmd), a);
                a.OrderId = Guid.NewGuid();
                return (Requests.Confiscation(a.CaseId, a.Id, cmd, a.OrderId.Value), a);
            case "seized":
                a.OrderId = Guid.NewGuid();
                return (Requests.Confiscation(a.CaseId, a.Id, cmd, a.OrderId.Value), a);
            case "confiscation_ordered":
                return (Requests.Finality(a.CaseId, a.Id, cmd, a.OrderId!.Value), a);
            default:
                return (Requests.Valuation(a.CaseId, a.Id, cmd, _n), a);
        }
    }
}

/// <summary>What the store holds after a run, checked against what the clients were told.</summary>
public sealed class StoreCheck
{
    public List<string> Failures { get; } = [];
    public long Events { get; private set; }
    public int KeysAcknowledged { get; private set; }
    public int Lost { get; private set; }
    public int Duplicated { get; private set; }
    public int RefusedButStored { get; private set; }
    public int AmbiguousStored { get; private set; }
    public int AmbiguousNotStored { get; private set; }
    public int Phantom { get; private set; }

    public override string ToString() =>
        $"store: {Events} events; {KeysAcknowledged} acknowledged keys; lost {Lost}, duplicated {Duplicated}, refused-but-stored {RefusedButStored}, " +
        $"events of unknown keys {Phantom}; ambiguous keys stored {AmbiguousStored}, not stored {AmbiguousNotStored}";

    /// <summary>
    /// Per idempotency key: acknowledged (some 2xx) ⇒ exactly one application (the kind's number of
    /// events, no stream touched twice by it); only refused (4xx) ⇒ nothing; only ambiguous ⇒ nothing
    /// or exactly one application. Every event carries the key of a request the load sent.
    /// </summary>
    public static async Task<StoreCheck> RunAsync(string connectionString, IReadOnlyList<Exchange> exchanges)
    {
        var check = new StoreCheck();
        var events = new List<(Guid Stream, long Version, string Type, string? Key)>();
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "select stream_id, version, type, headers->>'commandId' from assetledger.mt_events where type <> 'tombstone' order by seq_id", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                events.Add((reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        check.Events = events.Count;
        var byKey = events.GroupBy(e => e.Key ?? "").ToDictionary(g => g.Key, g => g.ToList());

        var keyed = exchanges.Where(e => e.Request.IsCommand).GroupBy(e => e.Request.Key!.Value).ToList();
        var known = keyed.Select(g => g.Key.ToString()).ToHashSet();
        foreach (var (key, list) in byKey)
        {
            if (known.Contains(key)) continue;
            check.Phantom += list.Count;
            check.Failures.Add($"{list.Count} event(s) with commandId '{key}', which no request carried: {string.Join(", ", list.Select(e => $"{e.Type}@{e.Stream}v{e.Version}"))}");
        }

        foreach (var g in keyed)
        {
            var p = g.First().Request;
            var stored = byKey.TryGetValue(g.Key.ToString(), out var list) ? list : [];
            // One application: the kind's number of events, no (stream, event type) twice (a confiscation
            // appends to the asset's stream and two different events to the order's).
            var oneApplication = stored.Count == p.ExpectedEvents && stored.Select(e => (e.Stream, e.Type)).Distinct().Count() == stored.Count;
            var history = string.Join("; ", g.Select(e => e.ToString()));
            if (g.Any(e => e.Ok))
            {
                check.KeysAcknowledged++;
                if (stored.Count == 0) { check.Lost++; check.Failures.Add($"LOST: acknowledged {p.Kind} {g.Key} has no event. {history}"); }
                else if (!oneApplication) { check.Duplicated++; check.Failures.Add($"DUPLICATED: acknowledged {p.Kind} {g.Key} has {stored.Count} events ({string.Join(", ", stored.Select(e => e.Type))}), expected one application of {p.ExpectedEvents}. {history}"); }
            }
            else if (g.Any(e => e.Ambiguous))
            {
                // A refusal that started after every unanswered attempt had ended is definite: had one of
                // them been applied, the key would have been found and answered with a 2xx.
                var lastAmbiguous = g.Where(e => e.Ambiguous).Max(e => e.EndedAt);
                if (stored.Count > 0 && g.Any(e => !e.Ambiguous && e.StartedAt > lastAmbiguous))
                {
                    check.RefusedButStored++;
                    check.Failures.Add($"REFUSED BUT STORED: {p.Kind} {g.Key} was refused after its unanswered attempts but has {stored.Count} events. {history}");
                }
                else if (stored.Count == 0) check.AmbiguousNotStored++;
                else if (oneApplication) check.AmbiguousStored++;
                else { check.Duplicated++; check.Failures.Add($"DUPLICATED: unacknowledged {p.Kind} {g.Key} has {stored.Count} events, expected 0 or {p.ExpectedEvents}. {history}"); }
            }
            else if (stored.Count > 0)
            {
                check.RefusedButStored++;
                check.Failures.Add($"REFUSED BUT STORED: {p.Kind} {g.Key} got only refusals but has {stored.Count} events. {history}");
            }
        }

        // The idempotency records: one per key that has events, none for keys without.
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("select id from assetledger.mt_doc_commandrecord", conn);
            var records = new HashSet<string>();
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) records.Add(reader.GetString(0));
            foreach (var key in byKey.Keys.Where(k => k.Length > 0 && !records.Contains(k)))
                check.Failures.Add($"events of key {key} have no idempotency record");
            foreach (var key in records.Where(k => !byKey.ContainsKey(k)))
                check.Failures.Add($"idempotency record {key} has no events");
        }
        if (byKey.ContainsKey(""))
            check.Failures.Add($"{byKey[""].Count} event(s) carry no commandId header");
        return check;
    }
}

/// <summary>Reads through the API that confirm the store: resources, histories, folds, the audit chain.</summary>
public static class ApiChecks
{
    public const string FarFuture = "2100-01-01T00:00:00Z";

    /// <summary>
    /// Every case and asset whose creation was acknowledged reads back (200); an asset's history holds
    /// each of its acknowledged commands exactly once; GET equals the fold of its raw events
    /// (<c>?asOf=</c> far future), i.e. the inline projection equals a rebuild of that stream.
    /// </summary>
    public static async Task<List<string>> ResourcesAsync(HttpClient http, IReadOnlyList<Exchange> exchanges)
    {
        var failures = new List<string>();
        var api = new Infrastructure.Api(http);
        var acknowledged = exchanges.Where(e => e.Ok && e.Request.IsCommand).Select(e => e.Request).DistinctBy(p => p.Key).ToList();

        foreach (var c in acknowledged.Where(p => p.Kind == "open_case"))
        {
            var r = await api.Get($"/api/cases/{c.CaseId}", Tokens.Auditor);
            if (r.Status != HttpStatusCode.OK) { failures.Add($"case {c.CaseId}: {r}"); continue; }
            var assetsAdded = acknowledged.Count(p => p.Kind == "add_asset" && p.CaseId == c.CaseId);
            if (r["version"].GetInt64() != 1 + assetsAdded)
                failures.Add($"case {c.CaseId}: version {r["version"]}, expected {1 + assetsAdded} (opened + {assetsAdded} acknowledged assets)");
        }

        foreach (var a in acknowledged.Where(p => p.Kind == "add_asset"))
        {
            var id = a.AssetId!.Value;
            var current = await api.Get($"/api/assets/{id}", Tokens.Auditor);
            if (current.Status != HttpStatusCode.OK) { failures.Add($"asset {id}: {current}"); continue; }
            var folded = await api.Get($"/api/assets/{id}?asOf={FarFuture}", Tokens.Auditor);
            if (folded.Status != HttpStatusCode.OK) { failures.Add($"asset {id} asOf: {folded}"); continue; }
            if (Reliability.ReliabilityKit.FirstDifference(folded.Json, current.Json, "$") is { } diff)
                failures.Add($"asset {id}: the inline document differs from the fold of its events at {diff}\ninline: {current.Raw}\nfold:   {folded.Raw}");

            var expected = acknowledged.Where(p => p.AssetId == id && p.Kind != "add_asset").Select(p => p.Key!.Value).Append(id).ToList();
            var history = await api.Get($"/api/assets/{id}/history", Tokens.Auditor);
            if (history.Status != HttpStatusCode.OK) { failures.Add($"asset {id} history: {history}"); continue; }
            var keys = history.Json.EnumerateArray().Select(h => h.GetProperty("commandId").GetString()).ToList();
            foreach (var key in expected)
            {
                var n = keys.Count(k => k == key.ToString());
                if (n != 1) failures.Add($"asset {id}: acknowledged command {key} appears {n} times in its history");
            }
            if (current["version"].GetInt64() != keys.Count)
                failures.Add($"asset {id}: version {current["version"]} but {keys.Count} history entries");
        }
        return failures;
    }

    /// <summary>GET /api/audit/verify as auditor: every chain intact, every event checked.</summary>
    public static async Task<(long EventsChecked, List<string> Failures)> AuditAsync(HttpClient http, long expectedEvents)
    {
        var r = await new Infrastructure.Api(http).Get("/api/audit/verify", Tokens.Auditor);
        if (r.Status != HttpStatusCode.OK) return (0, [$"audit verify: {r}"]);
        var failures = new List<string>();
        if (r["broken"].GetArrayLength() != 0) failures.Add($"audit verify reports broken chains: {r["broken"].GetRawText()}");
        var checkedEvents = r["eventsChecked"].GetInt64();
        if (checkedEvents != expectedEvents) failures.Add($"audit verify checked {checkedEvents} events, the store has {expectedEvents}");
        return (checkedEvents, failures);
    }
}

/// <summary>The private PostgreSQL server of a fault test, and raw SQL on it.</summary>
public static class FaultDatabase
{
    /// <summary>
    /// A private local cluster with durable commits. The throwaway test cluster runs with
    /// <c>synchronous_commit = off</c>, which acknowledges a commit before its WAL is written: an
    /// immediate stop then loses the last acknowledged transactions, which would be the test's doing,
    /// not the service's. (fsync stays off: the operating system does not crash here, only PostgreSQL.)
    /// </summary>
    public static async Task<(TestDatabase Server, string Admin)> StartAsync(string database)
    {
        var server = await TestDatabase.StartLocalClusterAsync();
        try
        {
            await using (var conn = new NpgsqlConnection(server.ConnectionString))
            {
                await conn.OpenAsync();
                await using (var alter = new NpgsqlCommand("alter system set synchronous_commit = 'on'", conn)) await alter.ExecuteNonQueryAsync();
                await using (var reload = new NpgsqlCommand("select pg_reload_conf()", conn)) await reload.ExecuteScalarAsync();
            }
            // The test's own connections are not pooled: a pooled one would be dead after the outage.
            var admin = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync(database)) { Pooling = false }.ConnectionString;
            await using (var conn = new NpgsqlConnection(admin))
            {
                await conn.OpenAsync();
                await using var show = new NpgsqlCommand("show synchronous_commit", conn);
                Assert.Equal("on", (string)(await show.ExecuteScalarAsync())!);
            }
            return (server, admin);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The connection string the service gets: the test server's, without the test suite's own
    /// timeouts, so that the service's production defaults (MartenSetup.WithDefaults) apply.
    /// </summary>
    public static string ForService(string admin)
    {
        var b = new NpgsqlConnectionStringBuilder(admin);
        b.Remove("Timeout");
        b.Remove("Command Timeout");
        b.Remove("Pooling");
        var cs = b.ConnectionString;
        Assert.DoesNotContain("Timeout", cs, StringComparison.OrdinalIgnoreCase);
        return cs;
    }

    /// <summary>Every projected document, as stored: tenant, id, .NET type, version and the jsonb text, table by table.</summary>
    public static async Task<Dictionary<string, List<string>>> DocumentsAsync(string connectionString)
    {
        var tables = AssetLedger.Api.Ops.ProjectionRebuilder.Tables;
        var result = new Dictionary<string, List<string>>();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        foreach (var t in tables)
        {
            await using var cmd = new NpgsqlCommand(
                $"select tenant_id || ' ' || id::text || ' ' || mt_dotnet_type || ' v' || mt_version::text || ' ' || data::text from assetledger.{t} order by tenant_id, id", conn);
            var rows = new List<string>();
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            result[t] = rows;
        }
        return result;
    }

    public static async Task<long> EventCountAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from assetledger.mt_events where type <> 'tombstone'", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// R7: the stored documents equal a rebuild from the events, by the service's one-pass <c>rebuild</c>
    /// and by Marten's own <c>projections rebuild</c> (two independent implementations), each compared
    /// row by row with what the inline projections had written.
    /// </summary>
    public static async Task<List<string>> RebuildEqualsAsync(string admin, string serviceConnectionString, string logDir)
    {
        var before = await DocumentsAsync(admin);
        var failures = new List<string>();
        foreach (var command in new[] { new[] { "rebuild" }, ["projections", "rebuild"] })
        {
            var name = string.Join(' ', command);
            var (exit, output) = await ServiceProcess.RunCommandAsync(serviceConnectionString, command, TimeSpan.FromSeconds(120));
            await File.WriteAllTextAsync(Path.Combine(logDir, name.Replace(' ', '-') + ".log"), output);
            if (exit != 0) return [.. failures, $"{name} exited with {exit}:\n{Tail(output, 40)}"];
            // The one-pass rebuild runs itself again without tiered PGO (RebuildCommand), in the same console.
            if (name == "rebuild" && !output.Contains("runtime: tiered PGO off", StringComparison.Ordinal))
                failures.Add($"rebuild did not run without tiered PGO:\n{Tail(output, 20)}");
            var after = await DocumentsAsync(admin);
            foreach (var (table, rows) in before)
            {
                var rebuilt = after[table];
                if (rows.Count != rebuilt.Count) failures.Add($"{table}: {rows.Count} documents before `{name}`, {rebuilt.Count} after (rebuild)");
                foreach (var (x, y) in rows.Zip(rebuilt))
                    if (x != y) { failures.Add($"{table}: differs after `{name}` (rebuild)\nbefore: {x}\nafter:  {y}"); break; }
            }
        }
        return failures;
    }

    public static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));
}

/// <summary>
/// The built service as a separate process (<c>dotnet AssetLedger.Api.dll</c>, the copy next to the test
/// assembly), on a port of its own, its output in a log file. A detached watchdog kills it if the test
/// process dies first.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly string _connectionString;
    private Process? _process;

    private ServiceProcess(string name, string connectionString, string logDir)
    {
        Name = name;
        _connectionString = connectionString;
        LogFile = Path.Combine(logDir, name + ".log");
        Port = FreePort();
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{Port}"),
            Timeout = TimeSpan.FromSeconds(30), // a hang shows as a latency over the 5 s bar, not a stuck test
        };
    }

    public string Name { get; }
    public int Port { get; private set; }
    public string LogFile { get; }
    public HttpClient Http { get; }
    public Target Target => new(Name, Http);
    public bool Running => _process is { HasExited: false };

    public static string ServiceDll => Path.Combine(AppContext.BaseDirectory, "AssetLedger.Api.dll");

    private static string Dotnet =>
        Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    private static Dictionary<string, string> EnvironmentFor(string connectionString) => new()
    {
        ["ConnectionStrings__AssetLedger"] = connectionString,
        ["Auth__SigningKey"] = ApiFixture.SigningKey,
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["Serilog__MinimumLevel__Default"] = "Warning",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    /// <summary>Starts the service and waits until /health/ready answers 200.</summary>
    public static async Task<ServiceProcess> StartAsync(string name, string connectionString, string logDir)
    {
        var service = new ServiceProcess(name, connectionString, logDir);
        await service.StartAgainAsync();
        return service;
    }

    /// <summary>(Re)starts the process on its port (a new one if that is taken) and waits until it is ready; returns the time that took.</summary>
    public async Task<TimeSpan> StartAgainAsync()
    {
        if (Running) throw new InvalidOperationException($"{Name} is running.");
        Assert.True(File.Exists(ServiceDll), $"The service is not built next to the tests: {ServiceDll}");
        File.AppendAllText(LogFile, $"\n==== {Name} started by the test at {DateTime.UtcNow:O} on port {Port} ====\n");
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$1\" >>\"$2\" 2>&1 </dev/null");
        psi.ArgumentList.Add(Dotnet);
        psi.ArgumentList.Add(ServiceDll);
        psi.ArgumentList.Add(LogFile);
        foreach (var (k, v) in EnvironmentFor(_connectionString)) psi.Environment[k] = v;
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}";

        var clock = Stopwatch.StartNew();
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the service process.");
        StartWatchdog(_process.Id);

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited during start-up (code {_process.ExitCode}):\n{LogTail(40)}");
            try
            {
                using var r = await probe.GetAsync($"http://127.0.0.1:{Port}/health/ready");
                if (r.IsSuccessStatusCode) return clock.Elapsed;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{Name} was not ready after 90 s:\n{LogTail(40)}");
    }

    /// <summary>SIGKILL: no shutdown, in-flight requests cut off.</summary>
    public void Kill()
    {
        if (_process is null) return;
        _process.Kill(); // SIGKILL on Unix
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, a graceful shutdown; SIGKILL after 20 s.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } p) return;
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { p.Kill(); await p.WaitForExitAsync(); }
    }

    public string LogTail(int lines)
    {
        try { return FaultDatabase.Tail(File.ReadAllText(LogFile), lines); }
        catch (IOException ex) { return $"(no log: {ex.Message})"; }
    }

    /// <summary>Runs a command of the service's command line (e.g. <c>projections rebuild</c>) to its end.</summary>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(string connectionString, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(Dotnet)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(ServiceDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in EnvironmentFor(connectionString)) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); await process.WaitForExitAsync(); return (-1, await stdout + await stderr + "\n(timed out)"); }
        return (process.ExitCode, await stdout + "\n--- stderr ---\n" + await stderr);
    }

    private static void StartWatchdog(int pid)
    {
        const string script = """
            exec </dev/null >/dev/null 2>&1
            while kill -0 "$1" && kill -0 "$2"; do sleep 1; done
            kill -0 "$1" || kill -9 "$2"
            """;
        try
        {
            using var p = Process.Start("setsid", ["-f", "/bin/sh", "-c", script, "assetledger-service-watchdog",
                Environment.ProcessId.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture)]);
            p.WaitForExit(5_000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // no setsid: DisposeAsync still kills the service when the test ends normally
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_process is { HasExited: false }) { _process.Kill(); await _process.WaitForExitAsync(); }
        }
        catch (InvalidOperationException) { }
        _process?.Dispose();
        Http.Dispose();
    }
}
