using AssetLedger.Benchmarks;

// The benchmark of quality.md (P1–P7): see docs/benchmarks.md. Run it with ops/bench.sh [--quick] [--json PATH].
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    if (ex.Message.Length > 0) Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

// Closed-loop clients should not wait for the thread pool to grow.
ThreadPool.SetMinThreads(Math.Max(16, options.Sizes.Clients * 2), Math.Max(16, options.Sizes.Clients * 2));

try
{
    return options.RoundTrips is { } n ? await RoundTrip.RunAsync(options, n)
        : options.ImportAssets is { } assets ? await ImportBench.RunAsync(options, assets)
        : options.RebuildAt is { } events ? await new BenchRun(options).RebuildAtScaleAsync(events)
        : options.P1Ab is { } variants ? await P1Ab.RunAsync(options, variants, options.AbRounds, options.AbValuations)
        : await new BenchRun(options).RunAsync();
}
catch (BenchmarkException ex)
{
    Console.Error.WriteLine($"benchmark failed: {ex.Message}");
    return 1;
}
