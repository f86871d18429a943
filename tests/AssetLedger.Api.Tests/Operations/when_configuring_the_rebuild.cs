using AssetLedger.Api.Ops;
using Microsoft.Extensions.Configuration;

namespace AssetLedger.Api.Tests.Operations;

/// <summary>The rebuild command's one setting, <c>Rebuild:OpenStreams</c> (docs/operations.md).</summary>
public sealed class when_configuring_the_rebuild
{
    private static RebuildTuning? From(string? value) =>
        RebuildCommand.TuningFrom(new ConfigurationBuilder()
            .AddInMemoryCollection(value is null ? [] : [new KeyValuePair<string, string?>(RebuildCommand.OpenStreamsSetting, value)])
            .Build());

    [Fact]
    public void without_the_setting_it_holds_up_to_262144_streams_open() =>
        Assert.Equal(new RebuildTuning(OthersBatch: 8_192, BlockBytes: 64 * 1024, OpenStreams: 262_144, CopyBytes: 64 * 1024), From(null));

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1000", 1_000)]
    [InlineData("2000000", 2_000_000)]
    public void the_setting_sets_the_number_of_streams_held_open(string value, int open)
    {
        Assert.Equal(open, From(value)!.OpenStreams);
        Assert.Equal(new RebuildTuning().OthersBatch, From(value)!.OthersBatch);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("many")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("99999999999")]
    public void anything_but_a_whole_number_from_0_is_refused(string value) => Assert.Null(From(value));
}
