using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace AssetLedger.Benchmarks;

/// <summary>
/// The service as a separate process (<c>dotnet AssetLedger.Api.dll</c>), its output appended to a log
/// file (not piped through this process), its pid written to a file so that ops/bench.sh can stop it
/// if this process dies.
/// </summary>
public sealed class ServiceHost(BenchOptions options, string signingKey, ServiceHost.Instance? instance = null) : IDisposable
{
    /// <summary>
    /// A second instance beside the first (the round-trip benchmark's other ledger): its port, database, log, pid file and extra settings;
    /// <paramref name="Dll"/>, when set, another service to run instead of <see cref="BenchOptions.ServiceDll"/> (the naive stack, issue 17).
    /// </summary>
    public sealed record Instance(int Port, string ConnectionString, string Log, string? PidFile, IReadOnlyDictionary<string, string> Settings, string? Dll = null);

    private Process? process;
    private int Port => instance?.Port ?? options.Port;
    private string Log => instance?.Log ?? options.ServiceLog;
    private string? PidFile => instance is null ? options.PidFile : instance.PidFile;

    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public int Pid => process?.Id ?? throw new InvalidOperationException("The service is not running.");
    public bool Running => process is { HasExited: false };

    public IDictionary<string, string> Environment => new Dictionary<string, string>(instance?.Settings ?? new Dictionary<string, string>())
    {
        ["ConnectionStrings__AssetLedger"] = instance?.ConnectionString ?? options.ConnectionString,
        ["Auth__SigningKey"] = signingKey,
        ["ASPNETCORE_URLS"] = BaseUrl,
        // The configuration it is deployed with: Production (no scope validation of the dependency
        // container, no demo sign-in), creating its schema on the empty benchmark database.
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Database__AutoCreate"] = "true",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    /// <summary>Starts the service and returns the time from process start to the first 200 of /health/ready.</summary>
    public async Task<TimeSpan> StartAsync()
    {
        if (Running) throw new InvalidOperationException("The service is already running.");
        var dll = Path.GetFullPath(instance?.Dll ?? options.ServiceDll);
        if (!File.Exists(dll)) throw new BenchmarkException($"Service not built: {dll} (ops/bench.sh builds it in Release).");
        var log = Path.GetFullPath(Log);
        File.AppendAllText(log, $"{System.Environment.NewLine}==== benchmark starts the service at {DateTime.UtcNow:O} ===={System.Environment.NewLine}");

        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec dotnet \"$0\" >>\"$1\" 2>&1 </dev/null");
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(log);
        foreach (var (k, v) in Environment) psi.Environment[k] = v;
        // Experiments (runtime settings of the service only, e.g. DOTNET_TieredPGO=0): "K=V;K2=V2".
        foreach (var pair in (System.Environment.GetEnvironmentVariable("ASSETLEDGER_BENCH_SERVICE_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            if (pair.Split('=', 2) is [var key, var value]) psi.Environment[key.Trim()] = value;

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        process = Process.Start(psi) ?? throw new BenchmarkException("Could not start the service process.");
        if (PidFile is not null) File.WriteAllText(PidFile, process.Id.ToString(CultureInfo.InvariantCulture));

        while (clock.Elapsed < TimeSpan.FromSeconds(180))
        {
            if (process.HasExited)
                throw new BenchmarkException($"The service exited during start-up (code {process.ExitCode}); last lines of {log}:\n{Tail(log, 30)}");
            try
            {
                using var r = await probe.GetAsync($"{BaseUrl}/health/ready");
                if (r.IsSuccessStatusCode) return clock.Elapsed;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(20);
        }
        throw new BenchmarkException($"The service was not ready after 180 s; last lines of {log}:\n{Tail(log, 30)}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    /// <summary>SIGTERM (graceful shutdown), then SIGKILL after 20 s.</summary>
    public async Task StopAsync()
    {
        if (process is null) return;
        if (!process.HasExited)
        {
            kill(process.Id, 15);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); await process.WaitForExitAsync(); }
        }
        process.Dispose();
        process = null;
        if (PidFile is not null) File.Delete(PidFile);
    }

    /// <summary>
    /// CPU ticks (1/100 s) used so far by each of the service's tiered-compilation threads (".NET Tiered Com",
    /// the runtime's background JIT that recompiles hot methods), by thread id, from /proc/&lt;pid&gt;/task.
    /// </summary>
    public Dictionary<int, long> JitThreadTicks() => ThreadTicks(".NET Tiered Com");

    /// <summary>CPU ticks (1/100 s) of the service's threads whose name starts with one of <paramref name="prefixes"/>, by thread id.</summary>
    public Dictionary<int, long> ThreadTicks(params string[] prefixes)
    {
        var ticks = new Dictionary<int, long>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{Pid}/task"))
            {
                try
                {
                    var comm = File.ReadAllText(Path.Combine(task, "comm"));
                    if (!prefixes.Any(p => comm.StartsWith(p, StringComparison.Ordinal))) continue;
                    ticks[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = CpuTicks(File.ReadAllText(Path.Combine(task, "stat")));
                }
                catch (IOException) { } // the thread ended meanwhile
            }
        }
        catch (IOException) { } // the service process itself ended: no JIT thread left to count
        return ticks;
    }

    /// <summary>Seconds of CPU the threads used between two <see cref="ThreadTicks"/> samples (threads that ended in between are not counted).</summary>
    /// <summary>User + system CPU ticks (1/100 s) in the text of a <c>/proc/…/stat</c> file (a process's or a thread's).</summary>
    public static long CpuTicks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    public static double SecondsBetween(Dictionary<int, long> before, Dictionary<int, long> after) =>
        after.Sum(kv => kv.Value - before.GetValueOrDefault(kv.Key)) / 100.0;

    /// <summary>Resident set size of the service from /proc/&lt;pid&gt;/status (VmRSS, in KiB), in MB (10^6 bytes).</summary>
    public double? RssMB()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024 / 1e6;
        }
        catch (IOException) { }
        catch (InvalidOperationException) { }
        return null;
    }

    public static string Tail(string path, int lines)
    {
        try { return string.Join('\n', File.ReadLines(path).TakeLast(lines)); }
        catch (IOException) { return "(no log)"; }
    }

    public void Dispose()
    {
        try
        {
            if (process is { HasExited: false }) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        process?.Dispose();
    }
}

/// <summary>Samples the service's RSS while a load runs; reports the peak.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    public double PeakMB { get; private set; }
    public int Samples { get; private set; }

    public RssSampler(ServiceHost service, TimeSpan every)
    {
        loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (service.RssMB() is { } rss) { PeakMB = Math.Max(PeakMB, rss); Samples++; }
                try { await Task.Delay(every, stop.Token); } catch (OperationCanceledException) { }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await loop;
        stop.Dispose();
    }
}
