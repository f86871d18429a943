namespace AssetLedger.Api.Tests.Faults;

/// <summary>
/// The fault tests (R4, R5, two instances) measure latencies against a 5 s bar on a 2-core machine and
/// start PostgreSQL servers and service processes of their own. Run in parallel with the rest of the
/// suite, their timings would measure the other tests' load; collections that disable parallelisation
/// run on their own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection
{
    public const string Name = "faults: servers stopped and processes killed";
}
