namespace AssetLedger.Api.Tests.Logging;

/// <summary>
/// Tests that start a host of their own and read its logs. Serilog's request-completion event is
/// written through the static <c>Serilog.Log.Logger</c>, which every host of the test process
/// replaces when it starts (and closes when it stops), so while another host starts or stops in
/// parallel these events could land in the other host's logger. Collections that disable
/// parallelisation run on their own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialHostsCollection
{
    public const string Name = "hosts that own the process's logger";
}
