using Microsoft.Extensions.DependencyInjection;
using AssetLedger.Api.Infrastructure;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Assets;
using Marten;

namespace AssetLedger.Api.Tests.Reliability;

/// <summary>
/// The store's own optimistic check, under the append mode the service configures
/// (<see cref="MartenSetup"/>): a session that read a stream, then lost it to another writer (another
/// instance: within one instance the executor's gates serialise commands on a stream), fails to
/// commit with an exception the executor treats as a race (<see cref="CommandExecutor.IsRace"/>:
/// it re-decides instead of answering 500), and writes nothing.
/// </summary>
public sealed class when_a_stream_moves_before_the_commit(ApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task the_later_commit_is_refused_as_a_race_and_appends_nothing()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        await Client.Seize(asset).Ok();
        var events = await Fixture.EventCountAsync();

        await using var first = Fixture.Store.LightweightSession("NL");
        await using var second = Fixture.Store.LightweightSession("NL");
        var firstStream = await first.Events.FetchForWriting<Asset>(asset);
        var secondStream = await second.Events.FetchForWriting<Asset>(asset);
        var read = secondStream.CurrentVersion;
        Assert.Equal(read, firstStream.CurrentVersion);

        await TheWinnerTransfersAsync(first, firstStream);

        DirectWrites.Envelope(second);
        secondStream.AppendOne(DirectWrites.Transfer("Custodian B"));
        await AssertRefusedAsARaceAsync(() => second.SaveChangesAsync());

        await AssertOnlyTheWinnerWroteAsync(asset, events, read);
    }

    /// <summary>
    /// The same race through the commands' own commit (<see cref="CommandExecutor.OpenWriteSession"/>,
    /// COMMIT as the batch's last statement), with the winner still uncommitted when the loser's commit
    /// starts: Marten's version check at the start of the commit passes, the loser's batch waits on the
    /// stream's row, and once the winner commits PostgreSQL refuses the loser's event rows (the unique
    /// index on each stream's versions) before its COMMIT. Nothing of the loser is written.
    /// </summary>
    [Fact]
    public async Task a_commit_that_waits_for_a_concurrent_writer_is_refused_inside_its_batch_and_appends_nothing()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        await Client.Seize(asset).Ok();
        var events = await Fixture.EventCountAsync();
        var dataSource = Fixture.Host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();

        // The winner writes, and holds its transaction open.
        await using var firstConnection = await dataSource.OpenConnectionAsync();
        await using var firstTransaction = await firstConnection.BeginTransactionAsync();
        var firstOptions = Marten.Services.SessionOptions.ForTransaction(firstTransaction, shouldAutoCommit: false);
        firstOptions.TenantId = "NL";
        await using var first = Fixture.Store.LightweightSession(firstOptions);
        // The loser reads the stream before the winner writes.
        await using var second = await DirectWrites.OpenWriteSessionAsync(Fixture, asset);
        var read = second.Stream.CurrentVersion;
        var firstStream = await first.Events.FetchForWriting<Asset>(asset);
        await TheWinnerTransfersAsync(first, firstStream);

        second.Transfer("Custodian B");
        var loser = Task.Run(second.CommitAsync);
        await ReliabilityKit.UntilALockWaitAsync(Fixture.ConnectionString, loser, "The loser's commit", "locktype in ('transactionid', 'tuple')");
        await firstTransaction.CommitAsync();
        await AssertRefusedAsARaceAsync(() => loser);

        // (Marten turns the unique violation into its EventStreamUnexpectedMaxEventIdException, without the cause.)
        await AssertOnlyTheWinnerWroteAsync(asset, events, read);
    }

    /// <summary>
    /// An append without an expected version (a case command grants an agency access to each of its
    /// assets, outside the assets' gates) is held to the chain head its hashes were computed from: an
    /// asset command committed in between makes it a race, not an event one version past its hash.
    /// </summary>
    [Fact]
    public async Task an_append_whose_chain_head_moved_before_the_commit_is_refused_as_a_race()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        await Client.Seize(asset).Ok();
        var events = await Fixture.EventCountAsync();
        var dataSource = Fixture.Host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        var cache = Fixture.Host.Services.GetRequiredService<global::AssetLedger.Api.Assets.AssetStatusCache>();
        var chain = Fixture.Host.Services.GetRequiredService<global::AssetLedger.Api.Audit.ChainStamper>();
        var context = new CommandContext(new Caller("u-1", "Test", [Roles.Investigator], "NL", "FIOD"), Roles.Investigator,
            Guid.NewGuid(), "fingerprint", "correlation", null);

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var session = CommandExecutor.OpenWriteSession(Fixture.Store, transaction, "NL", out var commit);
        session.Events.Append(asset, new AssetAccessGranted("KMAR"));
        Envelope.Stamp(session, context, DirectWrites.At);
        await chain.StampAsync(session, connection, context, Envelope.Format(DirectWrites.At), null, CancellationToken.None);

        // Another command on the asset commits after the head was read.
        await Client.Value(asset).Ok();

        await AssertRefusedAsARaceAsync(() => CommandExecutor.CommitAsync(cache, Fixture.Host.Services.GetRequiredService<global::AssetLedger.Api.Assets.HeldAssets>(), session, commit, "NL", CancellationToken.None));
        Assert.Equal(events + 1, await Fixture.EventCountAsync()); // the valuation only
        var report = await Client.Get("/api/audit/verify", Tokens.Auditor);
        Assert.Empty(report.Json.GetProperty("broken").EnumerateArray());
    }

    /// <summary>The winner appends its one transfer (to "Custodian A") to the stream it fetched, and saves.</summary>
    private static async Task TheWinnerTransfersAsync(IDocumentSession session, JasperFx.Events.IEventStream<Asset> stream)
    {
        DirectWrites.Envelope(session);
        stream.AppendOne(DirectWrites.Transfer("Custodian A"));
        await session.SaveChangesAsync();
    }

    /// <summary>The commit fails, with an exception the executor retries as a race instead of answering 500.</summary>
    private static async Task AssertRefusedAsARaceAsync(Func<Task> commit)
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(commit);
        Assert.True(CommandExecutor.IsRace(refused), $"not treated as a race: {refused.GetType().FullName}: {refused.Message}");
    }

    /// <summary>The winner's one transfer (to "Custodian A") is all that was appended since <paramref name="events"/>, on version <paramref name="read"/>.</summary>
    private async Task AssertOnlyTheWinnerWroteAsync(Guid asset, long events, long? read)
    {
        Assert.Equal(events + 1, await Fixture.EventCountAsync());
        await using var query = Fixture.Store.QuerySession("NL");
        var stored = await query.LoadAsync<Asset>(asset);
        Assert.Equal(read + 1, stored!.Version);
        Assert.Equal("Custodian A", stored.Custody!.Custodian);
    }
}
