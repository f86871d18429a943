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
        if (!CommandLine.TryConfigure(args, out _, out var connectionString))
        {
            exitCode = 2;
            return true;
        }
        exitCode = RunAsync(connectionString).GetAwaiter().GetResult();
        return true;
    }

    private static async Task<int> RunAsync(string connectionString)
    {
        await using var dataSource = MartenSetup.BuildDataSource(connectionString);
        using var store = new DocumentStore(MartenSetup.Options(dataSource, autoCreate: false));
        var report = await ProjectionRebuilder.RebuildAsync(dataSource, store, CancellationToken.None);
        foreach (var (table, count) in report.Documents)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{table}: {count} documents"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reading and folding the events: {report.Reading.TotalMilliseconds:F0} ms; writing the documents: {report.Writing.TotalMilliseconds:F0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: {GC.GetTotalAllocatedBytes() / 1048576} MiB allocated; collections gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}; {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms paused"));
        // The benchmark (P4) reads this line.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Rebuilt {report.Documents.Values.Sum()} documents from {report.Events} events in {report.Elapsed.TotalMilliseconds:F0} ms"));
        return 0;
    }
}
