using System.Diagnostics;
using System.Globalization;

namespace AssetLedger.Benchmarks;

/// <summary>
/// Issue 17's tails: P3 and P5 again while a second process keeps every core busy, once at the same
/// priority as the service and once at <c>nice 19</c>. If the tail comes from sharing the CPU, the
/// first run shows it and the second does not (the kernel then gives the service the cores whenever it
/// wants them); if it comes from the service itself (its garbage collector, its JIT), both do. The CPU
/// the service's garbage-collection threads used in each window is reported beside the latencies.
/// </summary>
public sealed partial class BenchRun
{
    private static readonly string[] GcThreads = [".NET Server GC", ".NET BGC", ".NET GC"];

    private async Task LoadedTailsAsync(ServiceHost service, Api api, Users users, Guid historyCase, Row quietP3, Row quietP5)
    {
        var s = o.Sizes;
        foreach (var nice in new[] { 0, 19 })
        {
            var suffix = nice == 0 ? "_loaded" : "_loaded_nice19";
            var who = $"{Environment.ProcessorCount} busy-loop processes{(nice == 0 ? " at the service's priority" : " at nice 19")}";
            using var hog = CpuHog.Start(Environment.ProcessorCount, nice, TimeSpan.FromMinutes(o.Quick ? 3 : 15));
            await Task.Delay(500);
            Log($"P3, P5 with {who}: {s.LatencySamples} requests each");

            var gc0 = service.ThreadTicks(GcThreads);
            var p3 = await Load.SequentialAsync(10, s.LatencySamples,
                async () => (await api.GetAsync($"/api/cases/{historyCase}/history", users.Investigator)).Status);
            var gc1 = service.ThreadTicks(GcThreads);
            var p5 = await Load.SequentialAsync(5, s.LatencySamples,
                async () => (await api.GetAsync("/api/treasury/reconciliation", users.Treasury)).Status);
            var gc2 = service.ThreadTicks(GcThreads);
            Log($"P3{suffix}: {Describe(p3)}");
            Log($"P5{suffix}: {Describe(p5)}");

            report.Rows.Add(LoadedRow("P3" + suffix, quietP3, p3, who, 100, ServiceHost.SecondsBetween(gc0, gc1), nice));
            report.Rows.Add(LoadedRow("P5" + suffix, quietP5, p5, who, 250, ServiceHost.SecondsBetween(gc1, gc2), nice));
        }
        var p3Loaded = report.Rows.First(r => r.Key == "P3_loaded");
        var p3Nice = report.Rows.First(r => r.Key == "P3_loaded_nice19");
        var p5Loaded = report.Rows.First(r => r.Key == "P5_loaded");
        var p5Nice = report.Rows.First(r => r.Key == "P5_loaded_nice19");
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Tails: p99 quiet / with busy loops at the same priority / at nice 19: P3 {quietP3.P99:F1} / {p3Loaded.P99:F1} / {p3Nice.P99:F1} ms, P5 {quietP5.P99:F1} / {p5Loaded.P99:F1} / {p5Nice.P99:F1} ms; the service's GC threads used {p3Loaded.Extra["gc_cpu_s"]:F2} / {p3Nice.Extra["gc_cpu_s"]:F2} s of CPU in the P3 windows, {p5Loaded.Extra["gc_cpu_s"]:F2} / {p5Nice.Extra["gc_cpu_s"]:F2} s in the P5 windows."));
    }

    private static Row LoadedRow(string key, Row quiet, LoadResult r, string who, double bar, double gcSeconds, int nice)
    {
        var row = new Row(key, $"{quiet.Measure}, with {who}", r.PerSecond, null, "req/s", r.P50, r.P99,
            $"diagnostic (p99 ≤ {bar:F0} ms when quiet)", r.P99 <= bar && r.Errors == 0);
        row.Extra["requests"] = r.Ops;
        row.Extra["errors"] = r.Errors;
        row.Extra["max_ms"] = r.Max;
        row.Extra["nice"] = nice;
        row.Extra["gc_cpu_s"] = gcSeconds;
        row.Extra["p99_vs_quiet"] = quiet.P99 is > 0 ? r.P99 / quiet.P99 : null;
        row.Extra["p50_vs_quiet"] = quiet.P50 is > 0 ? r.P50 / quiet.P50 : null;
        return row;
    }
}

/// <summary>
/// Processes that spin on a core each (<c>sh -c 'while :; do :; done'</c> under <c>nice</c>), each ended
/// by <c>timeout</c> after at most <c>limit</c> even if this process dies without disposing them.
/// </summary>
public sealed class CpuHog : IDisposable
{
    private readonly List<Process> processes = [];

    public static CpuHog Start(int count, int nice, TimeSpan limit)
    {
        var hog = new CpuHog();
        for (var i = 0; i < count; i++)
        {
            var psi = new ProcessStartInfo("timeout") { UseShellExecute = false, RedirectStandardInput = false };
            foreach (var a in new[] { ((int)limit.TotalSeconds).ToString(CultureInfo.InvariantCulture), "nice", "-n", nice.ToString(CultureInfo.InvariantCulture), "sh", "-c", "while :; do :; done" })
                psi.ArgumentList.Add(a);
            hog.processes.Add(Process.Start(psi) ?? throw new BenchmarkException("Could not start a busy-loop process."));
        }
        return hog;
    }

    public void Dispose()
    {
        foreach (var p in processes)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); p.WaitForExit(5000); }
            catch (InvalidOperationException) { } // it ended on its own (timeout) meanwhile
            p.Dispose();
        }
    }
}
