using AssetLedger.Benchmarks;

namespace AssetLedger.Api.Tests.Infrastructure;

/// <summary>
/// P1's rounds (src/AssetLedger.Benchmarks/Load.cs, compiled into this project): the rate reported is
/// the median of the rounds, and the latencies are pooled over every round's samples. A slip here
/// would move the published ratio without any change of the service.
/// </summary>
public sealed class when_the_benchmark_pools_its_rounds
{
    private static LoadResult Window(long ops, double seconds, double[] ms, bool exhausted = false, long errors = 0, int status = 503) => new()
    {
        Ops = ops, Errors = errors, Seconds = seconds, SortedMs = ms.Order().ToArray(), Exhausted = exhausted,
        ErrorStatuses = errors == 0 ? new Dictionary<int, long>() : new Dictionary<int, long> { [status] = errors },
    };

    [Fact]
    public void the_median_of_an_odd_count_is_the_middle_rate()
    {
        Assert.Equal(1_812.0, Stats.Median([1_812.0, 2_080.0, 1_734.0]));
        Assert.Equal(7.0, Stats.Median([7.0]));
    }

    [Fact]
    public void the_median_of_an_even_count_is_the_mean_of_the_two_middle_rates()
    {
        Assert.Equal(2_102.0, Stats.Median([2_360.0, 1_844.0]));
        Assert.Equal(2.5, Stats.Median([4.0, 1.0, 3.0, 2.0]));
        Assert.True(double.IsNaN(Stats.Median([])));
    }

    [Fact]
    public void pooled_rounds_add_their_counts_and_take_percentiles_over_every_sample()
    {
        var a = Window(3, 2.0, [1.0, 2.0, 3.0], errors: 1, status: 503);
        var b = Window(2, 1.5, [10.0, 20.0], exhausted: true, errors: 2, status: 503);
        var c = Window(1, 2.0, [4.0], errors: 1, status: 409);

        var pooled = LoadResult.Pooled([a, b, c]);

        Assert.Equal(6, pooled.Ops);
        Assert.Equal(4, pooled.Errors);
        Assert.Equal(5.5, pooled.Seconds);
        Assert.Equal([1.0, 2.0, 3.0, 4.0, 10.0, 20.0], pooled.SortedMs);
        Assert.Equal(3.0, pooled.P50); // nearest rank: the 3rd of 6
        Assert.Equal(20.0, pooled.P99);
        Assert.True(pooled.Exhausted);
        Assert.Equal(3, pooled.ErrorStatuses[503]);
        Assert.Equal(1, pooled.ErrorStatuses[409]);
    }

    [Fact]
    public void rounds_none_of_which_ran_out_are_not_exhausted_together()
    {
        var pooled = LoadResult.Pooled([Window(1, 1.0, [1.0]), Window(1, 1.0, [2.0])]);
        Assert.False(pooled.Exhausted);
        Assert.Empty(pooled.ErrorStatuses);
    }
}
