using AssetLedger.Api.Assets;
using NodaTime;
using NodaTime.Testing;

namespace AssetLedger.Api.Tests.Assets;

/// <summary>
/// The status cache alone (no database): what it keeps, for how long, for whom, and the rule that
/// makes it exact: an answer read before a write ended is never kept after it.
/// </summary>
public sealed class when_status_answers_are_kept_in_memory
{
    private static readonly LocalDate Today = new(2026, 3, 1);
    private readonly FakeClock clock = new(Instant.FromUtc(2026, 3, 1, 9, 0));

    /// <summary>A cache whose instance holds the lease (the only instance on its database), unless told otherwise.</summary>
    private AssetStatusCache Cache(int capacity = 1_000, int seconds = 60, bool lease = true)
    {
        var cache = new AssetStatusCache(clock, capacity, Duration.FromSeconds(seconds));
        if (lease) cache.LeaseAcquired();
        return cache;
    }

    private static AssetStatusCache.Entry Answer(AssetStatusCache cache, long version, params string[] agencies) =>
        cache.Compose([(byte)'{', (byte)'}'], version, agencies, Today);

    [Fact]
    public void an_offered_answer_is_found_for_its_tenant_and_day_only()
    {
        var cache = Cache();
        var id = Guid.NewGuid();
        Assert.False(cache.TryGet("NL", id, Today, out _));

        Assert.True(cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 3, "FIOD")));

        Assert.True(cache.TryGet("NL", id, Today, out var hit));
        Assert.Equal(3, hit.Version);
        Assert.Equal(["FIOD"], hit.CaseAgencies);
        Assert.False(cache.TryGet("BE", id, Today, out _));
        Assert.False(cache.TryGet("NL", id, Today.PlusDays(1), out _));
        Assert.False(cache.TryGet("NL", Guid.NewGuid(), Today, out _));
    }

    [Fact]
    public void an_answer_lives_for_the_lifetime_and_no_longer()
    {
        var cache = Cache(seconds: 60);
        var id = Guid.NewGuid();
        cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 1));

        clock.Advance(Duration.FromSeconds(59));
        Assert.True(cache.TryGet("NL", id, Today, out _));
        clock.Advance(Duration.FromSeconds(1));
        Assert.False(cache.TryGet("NL", id, Today, out _));
    }

    [Fact]
    public void a_write_drops_the_answers_of_its_streams_in_its_tenant()
    {
        var cache = Cache();
        var (written, other) = (Guid.NewGuid(), Guid.NewGuid());
        foreach (var id in new[] { written, other })
        {
            cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 1));
            cache.Offer("BE", id, cache.Ticket(id), Answer(cache, 1));
        }

        using (cache.BeginWrite("NL", [written, written])) { }

        Assert.False(cache.TryGet("NL", written, Today, out _));
        Assert.True(cache.TryGet("BE", written, Today, out _));
        Assert.True(cache.TryGet("NL", other, Today, out _));
    }

    [Fact]
    public void an_answer_read_while_a_write_is_in_flight_is_not_kept()
    {
        var cache = Cache();
        var id = Guid.NewGuid();
        var ticket = cache.Ticket(id);
        var write = cache.BeginWrite("NL", [id])!;

        Assert.False(cache.Offer("NL", id, ticket, Answer(cache, 1)));
        Assert.False(cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 1)));

        write.Dispose();
        Assert.False(cache.TryGet("NL", id, Today, out _));
        Assert.True(cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 2)));
    }

    [Fact]
    public void an_answer_read_before_a_write_ended_is_not_kept_after_it()
    {
        var cache = Cache();
        var id = Guid.NewGuid();
        var ticket = cache.Ticket(id); // the reader starts; its read may see the state before the write

        cache.BeginWrite("NL", [id])!.Dispose();

        Assert.False(cache.Offer("NL", id, ticket, Answer(cache, 1)));
        Assert.False(cache.TryGet("NL", id, Today, out _));
    }

    [Fact]
    public void ending_a_write_twice_counts_once()
    {
        var cache = Cache();
        var id = Guid.NewGuid();
        var first = cache.BeginWrite("NL", [id])!;
        var second = cache.BeginWrite("NL", [id])!;
        first.Dispose();
        first.Dispose();

        Assert.False(cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 1))); // the second is still in flight
        second.Dispose();
        Assert.True(cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 2)));
    }

    [Fact]
    public void it_holds_no_more_than_its_capacity()
    {
        var cache = Cache(capacity: 640);
        var ids = Enumerable.Range(0, 10_000).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids) cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 1));
        // Writes leave stale keys in the eviction order; they must not let the cache grow either.
        foreach (var id in ids.Take(5_000))
        {
            using (cache.BeginWrite("NL", [id])) { }
            cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 2));
        }

        Assert.InRange(cache.Count, 600, 640);
        Assert.True(cache.TryGet("NL", ids[4_999], Today, out var last)); // the newest is kept
        Assert.Equal(2, last.Version);
    }

    [Fact]
    public void without_the_lease_it_answers_nothing_and_keeps_nothing_but_still_tracks_writes()
    {
        var cache = Cache(lease: false);
        var id = Guid.NewGuid();
        Assert.True(cache.Enabled);
        Assert.False(cache.HoldsLease);
        Assert.False(cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 1)));

        // A write that began before the lease was taken still keeps what is read meanwhile out.
        var write = cache.BeginWrite("NL", [id]);
        Assert.NotNull(write);
        cache.LeaseAcquired();
        Assert.False(cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 1)));
        write!.Dispose();
        Assert.True(cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 2)));
        Assert.True(cache.TryGet("NL", id, Today, out _));
    }

    [Fact]
    public void losing_the_lease_drops_everything_and_refuses_answers_read_before()
    {
        var cache = Cache();
        var (kept, reading) = (Guid.NewGuid(), Guid.NewGuid());
        cache.Offer("NL", kept, cache.Ticket(kept), Answer(cache, 1));
        var ticket = cache.Ticket(reading);

        cache.LeaseLost();
        Assert.False(cache.HoldsLease);
        Assert.False(cache.TryGet("NL", kept, Today, out _));
        Assert.Equal(0, cache.Count);

        cache.LeaseAcquired(); // back again: it starts empty, and the old reader's answer is still refused
        Assert.False(cache.Offer("NL", reading, ticket, Answer(cache, 1)));
        Assert.False(cache.TryGet("NL", kept, Today, out _));
    }

    [Fact]
    public void turned_off_it_keeps_nothing()
    {
        foreach (var cache in new[] { Cache(capacity: 0), Cache(seconds: 0) })
        {
            var id = Guid.NewGuid();
            Assert.False(cache.Enabled);
            Assert.Null(cache.BeginWrite("NL", [id]));
            Assert.False(cache.Offer("NL", id, cache.Ticket(id), Answer(cache, 1)));
            Assert.False(cache.TryGet("NL", id, Today, out _));
        }
    }

    /// <summary>
    /// Random interleavings of readers and writers on a few streams against a model database (a
    /// version per stream): a reader takes its ticket, reads the database at some later step and
    /// offers what it read at a later one still; a writer begins, commits (the version moves) and ends
    /// at steps of its own. Whenever no write is in flight, every answer the cache gives is the
    /// database's current version: nothing stale survives the end of a write.
    /// </summary>
    [Fact]
    public void no_interleaving_of_readers_and_writers_leaves_a_stale_answer()
    {
        for (var seed = 0; seed < 500; seed++)
        {
            var random = new Random(seed);
            var cache = Cache(capacity: 64 * 4);
            var streams = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
            var database = streams.ToDictionary(s => s, _ => 1L);
            var readers = new List<(Guid Stream, long Ticket, long? Read)>();
            var writers = new List<(Guid Stream, AssetStatusCache.WriteScope Scope, bool Committed)>();

            for (var step = 0; step < 200; step++)
            {
                var stream = streams[random.Next(streams.Length)];
                switch (random.Next(6))
                {
                    case 0: readers.Add((stream, cache.Ticket(stream), null)); break;
                    case 1 when readers.Count > 0:
                        {
                            var i = random.Next(readers.Count);
                            if (readers[i].Read is null) readers[i] = readers[i] with { Read = database[readers[i].Stream] };
                            break;
                        }
                    case 2 when readers.Count > 0:
                        {
                            var i = random.Next(readers.Count);
                            if (readers[i].Read is { } read)
                            {
                                cache.Offer("NL", readers[i].Stream, readers[i].Ticket, Answer(cache, read));
                                readers.RemoveAt(i);
                            }
                            break;
                        }
                    case 3: writers.Add((stream, cache.BeginWrite("NL", [stream])!, false)); break;
                    case 4 when writers.Count > 0:
                        {
                            var i = random.Next(writers.Count);
                            if (!writers[i].Committed)
                            {
                                database[writers[i].Stream]++;
                                writers[i] = writers[i] with { Committed = true };
                            }
                            break;
                        }
                    case 5 when writers.Count > 0:
                        {
                            // Ends committed or not (a failed commit ends its scope too).
                            var i = random.Next(writers.Count);
                            writers[i].Scope.Dispose();
                            writers.RemoveAt(i);
                            break;
                        }
                }
                foreach (var s in streams.Where(s => writers.All(w => w.Stream != s)))
                    if (cache.TryGet("NL", s, Today, out var hit))
                        Assert.True(hit.Version == database[s], $"seed {seed}, step {step}: the cache answered version {hit.Version}, the database holds {database[s]}");
            }
        }
    }
}
