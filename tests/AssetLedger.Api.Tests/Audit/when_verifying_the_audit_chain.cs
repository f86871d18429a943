using System.Net;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;
using Npgsql;

namespace AssetLedger.Api.Tests.Audit;

/// <summary>S4: rows changed behind the application's back are found, with their stream and version.</summary>
public sealed class when_verifying_the_audit_chain(ApiFixture fixture) : ApiTest(fixture)
{
    private async Task<(Guid Case, Guid Asset)> GivenAHistory()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        await Client.Freeze(asset).Ok();
        await Client.Seize(asset).Ok();
        await Client.Value(asset).Ok();
        return (caseId, asset);
    }

    private async Task Sql(string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        // Statements one by one: positional parameters ($1) allow one statement per command.
        foreach (var statement in sql.Split("; ", StringSplitOptions.RemoveEmptyEntries))
        {
            await using var cmd = new NpgsqlCommand(statement, conn);
            foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private async Task<JsonElement> Verify(string? query = null)
    {
        var r = await Client.Get("/api/audit/verify" + query, Tokens.Auditor);
        Assert.True(r.Status == HttpStatusCode.OK, r.ToString());
        return r.Json;
    }

    private static void AssertBroken(JsonElement report, Guid stream, long version, string reason)
    {
        var broken = report.GetProperty("broken").EnumerateArray().ToList();
        Assert.Contains(broken, b => b.GetProperty("streamId").GetGuid() == stream && b.GetProperty("version").GetInt64() == version
                                     && b.GetProperty("reason").GetString()!.Contains(reason));
    }

    [Fact]
    public async Task an_untouched_store_verifies_and_history_carries_the_hashes()
    {
        var (caseId, asset) = await GivenAHistory();

        var report = await Verify();
        var scoped = await Verify($"?caseId={caseId}");
        var history = await Client.Get($"/api/assets/{asset}/history", Tokens.Auditor);

        Assert.Empty(report.GetProperty("broken").EnumerateArray());
        Assert.Equal(2, report.GetProperty("streamsChecked").GetInt32());
        Assert.Equal(6, report.GetProperty("eventsChecked").GetInt64());
        Assert.Equal(6, scoped.GetProperty("eventsChecked").GetInt64());
        var hashes = history.Json.EnumerateArray().Select(e => e.GetProperty("hash").GetString()).ToList();
        Assert.Equal(4, hashes.Count);
        Assert.All(hashes, h => Assert.Matches("^[0-9a-f]{64}$", h!));
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
    }

    [Theory]
    [InlineData("update assetledger.mt_events set data = jsonb_set(data, '{custodian}', '\"Someone else\"') where stream_id = $1 and version = 3", 3, "hash mismatch")]
    [InlineData("update assetledger.mt_events set type = 'asset_frozen' where stream_id = $1 and version = 3", 3, "hash mismatch")]
    [InlineData("update assetledger.mt_events set headers = jsonb_set(headers, '{actorId}', '\"u-2\"') where stream_id = $1 and version = 2", 2, "hash mismatch")]
    [InlineData("update assetledger.mt_events set headers = jsonb_set(headers, '{recordedAt}', '\"2026-01-01T00:00:00Z\"') where stream_id = $1 and version = 4", 4, "hash mismatch")]
    // Disguised as Marten's tombstones, which the verifier leaves out: only those of a tombstone stream (version 0) are.
    [InlineData("update assetledger.mt_events set type = 'tombstone' where stream_id = $1 and version = 4", 4, "hash mismatch")]
    [InlineData("update assetledger.mt_events set type = 'tombstone' where stream_id = $1", 1, "hash mismatch")]
    // The tail cut and mt_streams lowered to match: the head the asset document keeps still tells.
    [InlineData("delete from assetledger.mt_events where stream_id = $1 and version = 4; update assetledger.mt_streams set version = 3 where id = $1", 4, "truncated")]
    [InlineData("delete from assetledger.mt_events where stream_id = $1; update assetledger.mt_streams set version = 0 where id = $1", 1, "no events")]
    [InlineData("delete from assetledger.mt_events where stream_id = $1 and version = 2", 2, "missing event")]
    [InlineData("delete from assetledger.mt_events where stream_id = $1 and version = 4", 4, "truncated")]
    [InlineData("update assetledger.mt_events e set data = o.data, type = o.type from assetledger.mt_events o where e.stream_id = $1 and o.stream_id = $1 and ((e.version = 2 and o.version = 3) or (e.version = 3 and o.version = 2))", 2, "hash mismatch")]
    public async Task a_row_changed_in_sql_is_reported_with_its_stream_and_version(string sql, long version, string reason)
    {
        var (_, asset) = await GivenAHistory();

        await Sql(sql, asset);
        var report = await Verify();

        AssertBroken(report, asset, version, reason);
    }

    [Fact]
    public async Task a_forged_row_appended_without_knowing_the_chain_is_reported()
    {
        var (_, asset) = await GivenAHistory();

        // A copy of the last event with a fresh id and the next version, and a hash the forger made up.
        await Sql("""
            insert into assetledger.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers, correlation_id, causation_id, user_name, is_archived)
            select nextval('assetledger.mt_events_sequence'), gen_random_uuid(), stream_id, 5, data, type, timestamp, tenant_id, mt_dotnet_type,
                   jsonb_set(headers, '{hash}', to_jsonb(md5(random()::text) || md5(random()::text))), correlation_id, causation_id, user_name, is_archived
            from assetledger.mt_events where stream_id = $1 and version = 4
            """, asset);
        var report = await Verify();

        AssertBroken(report, asset, 5, "hash mismatch");
    }

    [Fact]
    public async Task a_forged_chain_recomputed_from_genesis_is_still_caught_by_the_next_event()
    {
        var (_, asset) = await GivenAHistory();

        // The forger rewrites event 3's data and replaces its hash with any value; event 4 still
        // chains from the original hash of 3, so the chain breaks at 3 at the latest.
        await Sql("update assetledger.mt_events set data = jsonb_set(data, '{location}', '\"Elsewhere\"'), headers = jsonb_set(headers, '{hash}', '\"" + new string('a', 64) + "\"') where stream_id = $1 and version = 3", asset);
        var report = await Verify();

        AssertBroken(report, asset, 3, "hash mismatch");
    }

    [Fact]
    public async Task other_roles_may_not_verify()
    {
        foreach (var token in new[] { Tokens.Investigator, Tokens.Prosecutor, Tokens.Treasury })
            Assert.Equal(HttpStatusCode.Forbidden, (await Client.Get("/api/audit/verify", token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Client.Get("/api/audit/verify", Tokens.Admin)).Status);
    }
}
