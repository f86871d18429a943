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
}
