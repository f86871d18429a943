using System.Net;
using AssetLedger.Api.Tests.Infrastructure;
using Npgsql;

namespace AssetLedger.Api.Tests.Audit;

/// <summary>
/// An asset's document keeps the hash of its stream's last event, and its commands chain from it
/// (no chain head document of its own). A document without it, or behind the stream, still chains
/// from the events themselves.
/// </summary>
public sealed class when_an_asset_carries_its_chain_head(ApiFixture fixture) : ApiTest(fixture)
{
    private async Task<T?> Scalar<T>(string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    private Task<string?> DocumentHash(Guid asset) =>
        Scalar<string>("select data ->> 'chainHash' from assetledger.mt_doc_asset where id = $1", asset);

    private Task<string?> LastEventHash(Guid asset) =>
        Scalar<string>("select headers ->> 'hash' from assetledger.mt_events where stream_id = $1 order by version desc limit 1", asset);

    private async Task AssertChainIntact()
    {
        var report = await Client.Get("/api/audit/verify", Tokens.Auditor);
        Assert.True(report.Status == HttpStatusCode.OK, report.ToString());
        Assert.Empty(report.Json.GetProperty("broken").EnumerateArray());
    }

    [Fact]
    public async Task the_document_holds_the_last_events_hash_and_no_head_document_is_written()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        Assert.Equal(await LastEventHash(asset), await DocumentHash(asset));

        await Client.Freeze(asset).Ok();
        await Client.Seize(asset).Ok();
        await Client.Value(asset).Ok();

        var last = await LastEventHash(asset);
        Assert.Matches("^[0-9a-f]{64}$", last!);
        Assert.Equal(last, await DocumentHash(asset));
        Assert.Equal(0L, await Scalar<long>("select count(*) from assetledger.mt_doc_chainhead where id = $1", asset));
        // The case stream has no aggregate document that carries its head: it keeps its head document.
        Assert.Equal(1L, await Scalar<long>("select count(*) from assetledger.mt_doc_chainhead where id = $1", caseId));
        await AssertChainIntact();
    }

    private async Task Sql(string sql, Guid asset)
    {
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = asset });
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }

    private async Task<Guid> GivenASeizedAsset()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        await Client.Freeze(asset).Ok();
        await Client.Seize(asset).Ok();
        return asset;
    }

    [Fact]
    public async Task a_document_without_its_head_chains_the_next_event_from_the_events()
    {
        var asset = await GivenASeizedAsset();
        await Sql("update assetledger.mt_doc_asset set data = data - 'chainHash' where id = $1", asset);

        await Client.Value(asset).Ok();

        await AssertChainIntact();
        Assert.Equal(await LastEventHash(asset), await DocumentHash(asset));
    }

    [Fact]
    public async Task a_document_behind_its_stream_is_not_used_as_the_head()
    {
        var asset = await GivenASeizedAsset();
        // The document as it stood at version 2, hash included, while the stream is at version 3:
        // chaining from it would fork the chain at version 4.
        await Sql("""
            update assetledger.mt_doc_asset d set data = jsonb_set(jsonb_set(d.data, '{version}', '2'), '{chainHash}', to_jsonb(e.headers ->> 'hash'))
            from assetledger.mt_events e where d.id = $1 and e.stream_id = $1 and e.version = 2
            """, asset);

        await Client.Value(asset).Ok();

        await AssertChainIntact();
        Assert.Equal(await LastEventHash(asset), await DocumentHash(asset));
    }
}
