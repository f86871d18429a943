using System.Diagnostics;
using System.Globalization;

namespace AssetLedger.Api.Ops;

/// <summary>
/// <c>dotnet AssetLedger.Api.dll rebuild</c>: rebuilds every projected document from the events in one
/// pass and one transaction (<see cref="ProjectionRebuilder"/>). Reads <c>ConnectionStrings:AssetLedger</c>
/// like the service. New events wait while it runs; stop the service first on a large store.
/// Marten's own <c>projections rebuild</c> still works and gives the same documents, more slowly.
/// </summary>
public static class RebuildCommand
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != "rebuild") return false;
        if (!CommandLine.TryConfigure(args, out var config, out var connectionString) || TuningFrom(config) is not { } tuning)
        {
            exitCode = 2;
            return true;
        }
        exitCode = RestartWithoutTieredPgo(args) ?? RunAsync(connectionString, tuning).GetAwaiter().GetResult();
        return true;
    }

    /// <summary>The setting for how many streams the rebuild may hold open at once (<see cref="RebuildTuning.OpenStreams"/>).</summary>
    public const string OpenStreamsSetting = "Rebuild:OpenStreams";

    /// <summary>
    /// The rebuild's sizes from the configuration: <c>Rebuild:OpenStreams</c> (environment
    /// <c>Rebuild__OpenStreams</c>, a whole number from 0), the default otherwise. Null, with the reason
    /// on standard error, when it is set to anything else.
    /// </summary>
    public static RebuildTuning? TuningFrom(IConfiguration config)
    {
        var defaults = new RebuildTuning();
        if (config[OpenStreamsSetting] is not { } text) return defaults;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var open)) return defaults with { OpenStreams = open };
        Console.Error.WriteLine($"{OpenStreamsSetting} must be a whole number from 0 (streams held open at once), not '{text}'.");
        return null;
    }

    /// <summary>The runtime setting the command starts itself again with, unless its environment already sets it.</summary>
    public const string TieredPgoVariable = "DOTNET_TieredPGO";

    /// <summary>
    /// A rebuild is a short process that keeps both cores busy; with tiered PGO the runtime spends
    /// about 2 s of CPU at a million events compiling its hot methods twice (instrumented, then
    /// optimised); without it the rebuild was 14 % and 22 % faster in two measurements (docs/benchmarks.md). The setting is read when the
    /// runtime starts, so the command runs itself again as a child with <c>DOTNET_TieredPGO=0</c>
    /// (same arguments, same console) and returns its exit code. Not when the variable is set already
    /// (to either value: the operator's choice, or the child itself); null then, and the rebuild runs here.
    /// </summary>
    private static int? RestartWithoutTieredPgo(string[] args)
    {
        if (Environment.GetEnvironmentVariable(TieredPgoVariable) is not null || Environment.ProcessPath is not { } host) return null;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        // "dotnet AssetLedger.Api.dll rebuild …": the host is dotnet and needs the assembly first; an
        // apphost (AssetLedger.Api rebuild …) takes the arguments alone.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(RebuildCommand).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment[TieredPgoVariable] = "0";
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host} for the rebuild.");
        child.WaitForExit();
        return child.ExitCode;
    }

    private static async Task<int> RunAsync(string connectionString, RebuildTuning tuning)
    {
        await using var dataSource = MartenSetup.BuildDataSource(connectionString);
        using var store = new DocumentStore(MartenSetup.Options(dataSource, autoCreate: false));
        var report = await ProjectionRebuilder.RebuildAsync(dataSource, store, tuning, CancellationToken.None);
        foreach (var (table, count) in report.Documents)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{table}: {count} documents"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reading and folding the events: {report.Reading.TotalMilliseconds:F0} ms; writing the documents: {report.Writing.TotalMilliseconds:F0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: {GC.GetTotalAllocatedBytes() / 1048576} MiB allocated; collections gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}; {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms paused"));
        Console.WriteLine($"runtime: tiered PGO {(Environment.GetEnvironmentVariable(TieredPgoVariable) is "0" ? "off" : "on")}");
        // The benchmark (P4) reads this line.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Rebuilt {report.Documents.Values.Sum()} documents from {report.Events} events in {report.Elapsed.TotalMilliseconds:F0} ms"));
        return 0;
    }
}
