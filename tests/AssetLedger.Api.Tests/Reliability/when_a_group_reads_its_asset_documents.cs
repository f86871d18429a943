using System.Net;
using AssetLedger.Api.Assets;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Assets;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssetLedger.Api.Tests.Reliability;

/// <summary>
/// Group commit on assets this process does not hold (<see cref="HeldAssets"/>): the group reads its
/// members' asset documents in one statement, and each member decides from its document at the version
/// the document carries, without reading the stream's version. A stream that moves between that read
/// and the commit is refused before anything is written, and the command is decided again alone.
/// </summary>
public sealed class when_a_group_reads_its_asset_documents(ApiFixture fixture) : ApiTest(fixture)
{
    private HeldAssets Held => Fixture.Host.Services.GetRequiredService<HeldAssets>();

    /// <summary>Assets registered by this process, then dropped from its held assets: their commands read the store.</summary>
    private async Task<Guid[]> GivenAssetsNotHeld(int n, string reference = "NL-2026-0042")
    {
        var caseId = await Client.OpenCase(reference);
        var assets = new Guid[n];
        for (var i = 0; i < n; i++)
        {
            assets[i] = await Client.AddAsset(caseId);
            Held.Forget("NL", assets[i]);
        }
        return assets;
    }

    private async Task<List<(Guid Stream, long Version, string Transaction)>> SeizuresOf(Guid[] assets)
    {
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "select stream_id, version, xmin::text from assetledger.mt_events where type = 'asset_seized' and stream_id = any(@ids)", conn);
        cmd.Parameters.AddWithValue("ids", assets);
        var rows = new List<(Guid, long, string)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2)));
        return rows;
    }

    [Fact]
    public async Task concurrent_commands_on_assets_not_held_decide_from_their_documents_and_commit_together()
    {
        const int n = 32;
        var assets = await GivenAssetsNotHeld(n);

        var replies = await Task.WhenAll(assets.Select(a => Client.Seize(a)));

        Assert.All(replies, r => Assert.True(r.Status == HttpStatusCode.OK, r.ToString()));
        Assert.All(replies, r => Assert.Equal("seized", r.Str("status")));
        var rows = await SeizuresOf(assets);
        Assert.Equal(n, rows.Count);
        Assert.Equal(assets.Order(), rows.Select(r => r.Stream).Order());
        // Each seizure is the stream's second event, appended at the version its document carried plus one.
        Assert.All(rows, r => Assert.Equal(2, r.Version));
        Assert.True(rows.Select(r => r.Transaction).Distinct().Count() < n, "every command committed alone");
        await using var query = Fixture.Store.QuerySession("NL");
        foreach (var asset in assets)
        {
            var stored = await query.LoadAsync<Asset>(asset);
            Assert.Equal(AssetStatus.Seized, stored!.Status);
            Assert.Equal(2, stored.Version);
            Assert.Equal(2, (await query.Events.FetchStreamStateAsync(asset))!.Version);
        }
        var verify = await Client.Get("/api/audit/verify", Tokens.Auditor);
        Assert.Empty(verify.Json.GetProperty("broken").EnumerateArray());
    }

    [Fact]
    public async Task an_unknown_asset_among_them_is_answered_404_and_the_others_commit()
    {
        var assets = await GivenAssetsNotHeld(16);
        var unknown = Guid.NewGuid();
        var targets = assets.Take(8).Append(unknown).Concat(assets.Skip(8)).ToArray();
        var before = await Fixture.EventCountAsync();

        var replies = await Task.WhenAll(targets.Select(a => Client.Seize(a)));

        for (var i = 0; i < targets.Length; i++)
            Assert.True(replies[i].Status == (targets[i] == unknown ? HttpStatusCode.NotFound : HttpStatusCode.OK), $"{i}: {replies[i]}");
        Assert.Equal(before + assets.Length, await Fixture.EventCountAsync());
        Assert.Equal(assets.Length, (await SeizuresOf(assets)).Count);
    }

    /// <summary>
    /// Another writer (another instance) seizes the asset after the group has read its document and
    /// before the commit's read of the stream: the table lock makes the commit wait exactly there. The
    /// document the command decided from (identified, version 1) is then stale; the commit expects
    /// version 1, finds 2, and writes nothing. Alone, the command sees the seizure and is refused. Were
    /// the append not held to the document's version (by its stream handle, and again by the chain
    /// head the document carries, which the chain stamper sets as the expected version when none is),
    /// the stale document would accept a second seizure.
    /// </summary>
    [Fact]
    public async Task a_stream_moved_between_the_read_and_the_commit_is_refused_and_the_command_is_decided_again()
    {
        var asset = (await GivenAssetsNotHeld(1))[0];
        var events = await Fixture.EventCountAsync();

        await using var other = new NpgsqlConnection(Fixture.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var lockStreams = new NpgsqlCommand("lock table assetledger.mt_streams in access exclusive mode", other, transaction))
            await lockStreams.ExecuteNonQueryAsync();

        var seizure = Client.Seize(asset);
        // The command's commit waits for the streams table, its document already read.
        await ReliabilityKit.UntilALockWaitAsync(Fixture.ConnectionString, seizure, "The command",
            "locktype = 'relation' and relation = 'assetledger.mt_streams'::regclass");

        var options = Marten.Services.SessionOptions.ForTransaction(transaction, shouldAutoCommit: false);
        options.TenantId = "NL";
        await using (var session = Fixture.Store.LightweightSession(options))
        {
            var stream = await session.Events.FetchForWriting<Asset>(asset);
            DirectWrites.Envelope(session);
            stream.AppendOne(new AssetSeized("Other custodian", "Depot 2", DirectWrites.At, null));
            await session.SaveChangesAsync();
        }
        await transaction.CommitAsync();

        var refused = await seizure;
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(events + 1, await Fixture.EventCountAsync());
        await using var query = Fixture.Store.QuerySession("NL");
        var stored = await query.LoadAsync<Asset>(asset);
        Assert.Equal("Other custodian", stored!.Custody!.Custodian);
        Assert.Equal(2, stored.Version);
    }
}
