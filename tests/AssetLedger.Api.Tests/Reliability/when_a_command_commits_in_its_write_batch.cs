using AssetLedger.Api.Infrastructure;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Assets;
using Marten;
using Microsoft.Extensions.DependencyInjection;
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
    private async Task<(NpgsqlConnection, NpgsqlTransaction)> BeginAsync()
    {
        var connection = await Fixture.Host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        return (connection, await connection.BeginTransactionAsync());
    }

    private global::AssetLedger.Api.Assets.AssetStatusCache Cache => Fixture.Host.Services.GetRequiredService<global::AssetLedger.Api.Assets.AssetStatusCache>();

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
        await ExecuteAsync($"""
            create or replace function public.al_test_refuse_asset() returns trigger language plpgsql as $$
            begin if new.id = '{asset}' then raise exception 'refused by the test' using errcode = 'P0001'; end if; return new; end $$
            """);
        await ExecuteAsync("create trigger al_test_refuse_asset before insert or update on assetledger.mt_doc_asset for each row execute function public.al_test_refuse_asset()");
        try
        {
            var (connection, transaction) = await BeginAsync();
            await using var _c = connection;
            await using var _t = transaction;
            await using var session = CommandExecutor.OpenWriteSession(Fixture.Store, transaction, "NL", out var commit);
            var stream = await session.Events.FetchForWriting<Asset>(asset);
            DirectWrites.Envelope(session);
            stream.AppendOne(DirectWrites.Transfer("Custodian A"));

            var failed = await Assert.ThrowsAnyAsync<Exception>(() => CommandExecutor.CommitAsync(Cache, session, commit, "NL", CancellationToken.None));
            Assert.Contains("refused by the test", failed.ToString());
        }
        finally
        {
            await ExecuteAsync("drop trigger if exists al_test_refuse_asset on assetledger.mt_doc_asset");
            await ExecuteAsync("drop function if exists public.al_test_refuse_asset()");
        }
        Assert.Equal(events, await Fixture.EventCountAsync());
        var status = await Client.Get($"/api/assets/{asset}", Tokens.Investigator);
        Assert.Equal(1, status["version"].GetInt64());
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task a_write_session_commits_once()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var (connection, transaction) = await BeginAsync();
        await using var _c = connection;
        await using var _t = transaction;
        await using var session = CommandExecutor.OpenWriteSession(Fixture.Store, transaction, "NL", out var commit);
        var stream = await session.Events.FetchForWriting<Asset>(asset);
        DirectWrites.Envelope(session);
        stream.AppendOne(DirectWrites.Transfer("Custodian A"));
        await CommandExecutor.CommitAsync(Cache, session, commit, "NL", CancellationToken.None);
        var events = await Fixture.EventCountAsync();

        // Refused before anything runs (Marten finds its transaction completed; BatchCommit would refuse a second batch too).
        session.Events.Append(asset, DirectWrites.Transfer("Custodian B"));
        await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());

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
