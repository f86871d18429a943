using System.Collections.Concurrent;
using System.Diagnostics;

namespace AssetLedger.Benchmarks;

/// <summary>What one timed window produced: operations completed in the window, their latencies, failures.</summary>
public sealed class LoadResult
{
    public required long Ops { get; init; }
    public required long Errors { get; init; }
    public required double Seconds { get; init; }
    public required double[] SortedMs { get; init; }
    public required IReadOnlyDictionary<int, long> ErrorStatuses { get; init; }
    public required bool Exhausted { get; init; }

    public double PerSecond => Seconds > 0 ? Ops / Seconds : 0;
    public double P50 => Percentile(SortedMs, 50);
    public double P99 => Percentile(SortedMs, 99);
    public double Max => SortedMs.Length == 0 ? double.NaN : SortedMs[^1];

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Several windows as one: their operations, failures and seconds added up, their latencies
    /// pooled (so percentiles are over every sample), exhausted when any of them was.</summary>
    public static LoadResult Pooled(IReadOnlyList<LoadResult> windows)
    {
        var all = windows.SelectMany(w => w.SortedMs).ToArray();
        Array.Sort(all);
        var statuses = new Dictionary<int, long>();
        foreach (var (status, n) in windows.SelectMany(w => w.ErrorStatuses)) statuses[status] = statuses.GetValueOrDefault(status) + n;
        return new LoadResult
        {
            Ops = windows.Sum(w => w.Ops), Errors = windows.Sum(w => w.Errors), Seconds = windows.Sum(w => w.Seconds),
            SortedMs = all, ErrorStatuses = statuses, Exhausted = windows.Any(w => w.Exhausted),
        };
    }

    public string ErrorSummary() => Errors == 0 ? "no errors"
        : $"{Errors} failed ({string.Join(", ", ErrorStatuses.OrderBy(kv => kv.Key).Select(kv => $"{(kv.Key < 0 ? "exception" : kv.Key.ToString())}×{kv.Value}"))})";
}

/// <summary>The benchmark's one median: P1's rounds, P4's and P6's runs, the side-by-side rounds.</summary>
public static class Stats
{
    /// <summary>The middle value (the mean of the two middle ones for an even count; NaN for none).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var half = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }
}

/// <summary>
/// Closed-loop load: <c>clients</c> workers, each issuing its next operation as soon as the previous one
/// completes. Throughput counts the operations completing in the timed window (completions ÷ window);
/// latencies are those of the operations that also started in it, so a slow first request issued
/// during the warm-up does not count. An operation returns its status (2xx = success), or null when
/// its worker has nothing left to do (a pool of fresh assets ran out); the window then ends at the
/// last completion.
/// </summary>
public static class Load
{
    public const int Exception = -1;

    public static async Task<LoadResult> RunAsync(int clients, TimeSpan warmup, TimeSpan duration,
        Func<int, Task<int?>> operation)
    {
        var freq = (double)Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp();
        var warmEnd = start + (long)(warmup.TotalSeconds * freq);
        var end = warmEnd + (long)(duration.TotalSeconds * freq);
        var latencies = new List<double>[clients];
        var errors = new ConcurrentDictionary<int, long>();
        long ops = 0, failed = 0, lastCompletion = warmEnd;
        var exhausted = 0;

        var workers = Enumerable.Range(0, clients).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(4096);
            while (true)
            {
                var t0 = Stopwatch.GetTimestamp();
                if (t0 >= end) return;
                int? status;
                try { status = await operation(w); }
                catch (Exception) { status = Exception; }
                var t1 = Stopwatch.GetTimestamp();
                if (status is null) { Interlocked.Exchange(ref exhausted, 1); return; }
                if (t1 > end) return;
                if (t1 <= warmEnd) continue;
                if (status is >= 200 and < 300)
                {
                    if (t0 >= warmEnd) mine.Add((t1 - t0) * 1000.0 / freq);
                    Interlocked.Increment(ref ops);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    errors.AddOrUpdate(status.Value, 1, (_, n) => n + 1);
                }
                long seen;
                while ((seen = Interlocked.Read(ref lastCompletion)) < t1 && Interlocked.CompareExchange(ref lastCompletion, t1, seen) != seen) { }
            }
        })).ToArray();
        await Task.WhenAll(workers);

        var all = latencies.Where(l => l is not null).SelectMany(l => l).ToArray();
        Array.Sort(all);
        var windowEnd = exhausted == 1 ? Math.Min(end, lastCompletion) : end;
        return new LoadResult
        {
            Ops = ops, Errors = failed, SortedMs = all, ErrorStatuses = new Dictionary<int, long>(errors),
            Seconds = Math.Max(windowEnd - warmEnd, 1) / freq, Exhausted = exhausted == 1,
        };
    }

    /// <summary>One client, one request after the other: <c>warmup</c> untimed, then <c>samples</c> timed.</summary>
    public static async Task<LoadResult> SequentialAsync(int warmup, int samples, Func<Task<int>> operation)
    {
        for (var i = 0; i < warmup; i++) await operation();
        var ms = new List<double>(samples);
        var errors = new Dictionary<int, long>();
        long failed = 0;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < samples; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            int status;
            try { status = await operation(); }
            catch (Exception) { status = Exception; }
            var elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (status is >= 200 and < 300) ms.Add(elapsed);
            else { failed++; errors[status] = errors.GetValueOrDefault(status) + 1; }
        }
        var sorted = ms.ToArray();
        Array.Sort(sorted);
        return new LoadResult
        {
            Ops = sorted.Length, Errors = failed, SortedMs = sorted, ErrorStatuses = errors,
            Seconds = total.Elapsed.TotalSeconds, Exhausted = false,
        };
    }
}
