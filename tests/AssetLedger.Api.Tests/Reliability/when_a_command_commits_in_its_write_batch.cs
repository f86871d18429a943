using AssetLedger.Api.Infrastructure;
using AssetLedger.Api.Tests.Infrastructure;
using Marten;
using Npgsql;

namespace AssetLedger.Api.Tests.Reliability;

/// <summary>
/// What the commands' commit (<see cref="CommandExecutor.OpenWriteSession"/>, COMMIT as the write
/// batch's last statement) relies on in Marten: the COMMIT comes after everything else, the inline
/// projection's documents included; a session commits once; and <see cref="StrictInsert"/> writes
/// the row Marten's own insert would.
/// </summary>
public sealed class when_a_command_commits_in_its_write_batch(ApiFixture fixture) : ApiTest(fixture)
{
    /// <summary>
    /// The inline projection's document is queued by Marten during the commit, after everything the
    /// command queued: if the COMMIT came before it, a failing document write would leave the events
    /// committed without their document. A trigger makes that write fail; nothing may be written.
    /// </summary>
    [Fact]
    public async Task a_failing_write_of_the_projected_document_leaves_nothing_written()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var events = await Fixture.EventCountAsync();
        await Fixture.ExecuteSqlAsync($"""
            create or replace function public.al_test_refuse_asset() returns trigger language plpgsql as $$
            begin if new.id = '{asset}' then raise exception 'refused by the test' using errcode = 'P0001'; end if; return new; end $$
            """);
        await Fixture.ExecuteSqlAsync("create trigger al_test_refuse_asset before insert or update on assetledger.mt_doc_asset for each row execute function public.al_test_refuse_asset()");
        try
        {
            await using var write = await DirectWrites.OpenWriteSessionAsync(Fixture, asset);
            write.Transfer("Custodian A");

            var failed = await Assert.ThrowsAnyAsync<Exception>(write.CommitAsync);
            Assert.Contains("refused by the test", failed.ToString());
        }
        finally
        {
            await Fixture.ExecuteSqlAsync("drop trigger if exists al_test_refuse_asset on assetledger.mt_doc_asset");
            await Fixture.ExecuteSqlAsync("drop function if exists public.al_test_refuse_asset()");
        }
        Assert.Equal(events, await Fixture.EventCountAsync());
        var status = await Client.Get($"/api/assets/{asset}", Tokens.Investigator);
        Assert.Equal(1, status["version"].GetInt64());
    }

    [Fact]
    public async Task a_write_session_commits_once()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        await using var write = await DirectWrites.OpenWriteSessionAsync(Fixture, asset);
        write.Transfer("Custodian A");
        await write.CommitAsync();
        var events = await Fixture.EventCountAsync();

        // Refused before anything runs (Marten finds its transaction completed; BatchCommit would refuse a second batch too).
        write.Session.Events.Append(asset, DirectWrites.Transfer("Custodian B"));
        await Assert.ThrowsAnyAsync<Exception>(() => write.Session.SaveChangesAsync());

        Assert.Equal(events, await Fixture.EventCountAsync());
        var status = await Client.Get($"/api/assets/{asset}", Tokens.Investigator);
        Assert.Equal("Custodian A", status["custody"].GetProperty("custodian").GetString());
    }

    [Fact]
    public async Task a_strict_insert_writes_the_row_martens_insert_writes()
    {
        var theirs = new CommandRecord { Id = "strict-" + Guid.NewGuid(), Fingerprint = "F", Route = "POST /api/x", StreamId = Guid.NewGuid(), RecordedAt = DirectWrites.At };
        var ours = new CommandRecord { Id = "strict-" + Guid.NewGuid(), Fingerprint = theirs.Fingerprint, Route = theirs.Route, StreamId = theirs.StreamId, RecordedAt = theirs.RecordedAt };
        await using (var session = Fixture.Store.LightweightSession("NL"))
        {
            session.Insert(theirs);
            StrictInsert.Queue(session, ours.Id, ours);
            await session.SaveChangesAsync();
        }

        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        async Task<object[]> Row(string id)
        {
            await using var cmd = new NpgsqlCommand(
                "select tenant_id, data - 'id', mt_dotnet_type, mt_version is not null, mt_last_modified is not null from assetledger.mt_doc_commandrecord where id = $1", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = id });
            await using var reader = await cmd.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), $"no row {id}");
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            return values;
        }
        Assert.Equal(await Row(theirs.Id), await Row(ours.Id));
        await using var query = Fixture.Store.QuerySession("NL");
        var loaded = await query.LoadAsync<CommandRecord>(ours.Id);
        Assert.Equal((ours.Fingerprint, ours.Route, ours.StreamId, ours.RecordedAt), (loaded!.Fingerprint, loaded.Route, loaded.StreamId, loaded.RecordedAt));
    }

    /// <summary>Rows of the given ids in the idempotency records' table, read on a connection of its own (committed rows only).</summary>
    private async Task<long> CommittedRecordsAsync(string prefix)
    {
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from assetledger.mt_doc_commandrecord where id like $1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = prefix + "%" });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static void QueueRecords(IDocumentSession session, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
            StrictInsert.Queue(session, $"{prefix}{i}", new CommandRecord { Id = $"{prefix}{i}", Fingerprint = "F", Route = "POST /api/x", StreamId = Guid.NewGuid(), RecordedAt = DirectWrites.At });
    }

    /// <summary>A batch of one page ends with its COMMIT: once Marten's batch has run, another connection sees the rows.</summary>
    [Fact]
    public async Task a_batch_of_one_page_has_committed_when_it_has_run()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var prefix = "page-" + Guid.NewGuid() + "-";
        await using var write = await DirectWrites.OpenWriteSessionAsync(Fixture, asset);
        write.Transfer("Custodian A");
        QueueRecords(write.Session, prefix, 10);

        await write.Session.SaveChangesAsync();

        Assert.Equal(BatchCommit.Placement.InBatch, write.Commit.Placed);
        Assert.Equal(10, await CommittedRecordsAsync(prefix));
    }

    /// <summary>
    /// A batch of more pages than one (Marten pages at 500 operations) gets no COMMIT in it: Marten runs
    /// later pages even after a check of an earlier one failed on the client, so the commit waits until
    /// the whole batch has run without an error. Until then nothing is visible; then all of it is.
    /// </summary>
    [Fact]
    public async Task a_batch_of_more_pages_commits_only_after_it_has_run()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var prefix = "pages-" + Guid.NewGuid() + "-";
        var events = await Fixture.EventCountAsync();
        await using var write = await DirectWrites.OpenWriteSessionAsync(Fixture, asset);
        write.Transfer("Custodian A");
        QueueRecords(write.Session, prefix, 1_200);
        Assert.True(BatchCommit.OperationsAtMost(write.Session) + 1 >= Fixture.Store.Options.UpdateBatchSize);

        await write.Session.SaveChangesAsync();

        Assert.Equal(BatchCommit.Placement.AfterBatch, write.Commit.Placed);
        Assert.Equal(0, await CommittedRecordsAsync(prefix));
        Assert.Equal(events, await Fixture.EventCountAsync());

        await write.Commit.CompleteAsync(CancellationToken.None);

        Assert.Equal(1_200, await CommittedRecordsAsync(prefix));
        Assert.Equal(events + 1, await Fixture.EventCountAsync());
    }

    /// <summary>The commands' own commit (CommandExecutor.CommitAsync) on a batch of more pages: everything committed, the asset's status included.</summary>
    [Fact]
    public async Task a_command_commit_of_more_pages_writes_everything()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var prefix = "cmd-pages-" + Guid.NewGuid() + "-";
        await using (var write = await DirectWrites.OpenWriteSessionAsync(Fixture, asset))
        {
            write.Transfer("Custodian B");
            QueueRecords(write.Session, prefix, 1_200);
            await write.CommitAsync();
            Assert.Equal(BatchCommit.Placement.AfterBatch, write.Commit.Placed);
        }

        Assert.Equal(1_200, await CommittedRecordsAsync(prefix));
        var status = await Client.Get($"/api/assets/{asset}", Tokens.Investigator);
        Assert.Equal("Custodian B", status["custody"].GetProperty("custodian").GetString());
    }
}
