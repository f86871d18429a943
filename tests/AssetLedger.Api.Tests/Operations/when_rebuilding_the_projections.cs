using AssetLedger.Api.Infrastructure;
using AssetLedger.Api.Ops;
using AssetLedger.Api.Tests.Distribution;
using AssetLedger.Api.Tests.Faults;
using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static AssetLedger.Api.Tests.Distribution.DistributionKit;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;

namespace AssetLedger.Api.Tests.Operations;

/// <summary>
/// The one-pass rebuild (<see cref="ProjectionRebuilder"/>, command <c>rebuild</c>) writes exactly the
/// documents the inline projections wrote: same rows, same JSON, same .NET type, same version, in two
/// jurisdictions, for assets through their whole lifecycle, court orders, cases with victim claims,
/// distributions and settlements.
/// </summary>
public sealed class when_rebuilding_the_projections(ApiFixture fixture) : ApiTest(fixture)
{
    private async Task ScenarioAsync(Desk desk)
    {
        var caseId = await Client.OpenCase(desk);
        var claim = await Client.Post($"/api/cases/{caseId}/victim-claims",
            new { claimId = Guid.NewGuid(), victimRef = "V-" + desk.Jurisdiction, amount = Scenarios.Money("5000.00"), basis = "judgment", priorityRank = 1 }, desk.Prosecutor);
        Assert.True(claim.Status == System.Net.HttpStatusCode.Created, claim.ToString());
        await Client.RealisedAsset(desk, caseId, "250000.00", "12000.00");
        await Client.RealisedAsset(desk, caseId, "1000.00");
        var d = await Client.Distributed(desk, caseId, Body(Guid.NewGuid(), "eu-2018-1805", "DE"));
        var de = d.Allocation("state", "DE");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Client.Settle(desk, caseId, d["distributionId"].GetGuid(), de.Id(), "100.00", "EUR")).Status);
        // A second case whose assets are still under way, with custody and valuations.
        var other = await Client.OpenCase(desk);
        var token = desk.Investigator;
        var asset = await Client.AddAsset(other, token: token);
        await Client.Command(asset, "freeze", new { commandId = Guid.NewGuid(), orderReference = "R-1", frozenAt = "2026-03-01T10:00:00Z", amount = Scenarios.Money("120000.00") }, token).Ok();
        await Client.Command(asset, "seize", new { commandId = Guid.NewGuid(), custodian = "ORD", location = "Depot", seizedAt = "2026-03-02T10:00:00Z" }, token).Ok();
        await Client.Command(asset, "valuations", new { commandId = Guid.NewGuid(), value = Scenarios.Money("99000.00"), method = "book", valuer = "Bank", valuedOn = "2026-03-03" }, token).Ok();
        await Client.AddAsset(other, "vehicle", token);
        // A certificate (this host is NL's ledger): issued, then withdrawn before transmission.
        if (desk == Desk.NL)
        {
            var certificate = await Client.IssuedCertificate();
            await Client.Post($"/api/certificates/{certificate}/withdrawal", new { commandId = Guid.NewGuid(), reason = "Issued in error" }, desk.Prosecutor).Ok();
        }
    }

    /// <summary>With the default sizes (batches of 8,192 documents, blocks of 64 KiB, 262,144 streams open, chunks of 64 KiB);
    /// with batches of 1 and 2 the assets' copy is closed and opened again between every few documents,
    /// with blocks of 1 and 600 bytes the columns take new blocks all the time (one block per value, or a
    /// few values to a block), and with 0 or 1 streams open nearly every stream (all with more than one
    /// event) waits for the second read, in stream order, while the rest are folded in the order of the log;
    /// with chunks of 1 byte every document takes a chunk of its own, with 700 and 4,096 bytes a few share one.</summary>
    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData(1, 1, 0, 1)]
    [InlineData(2, 600, 1, 700)]
    [InlineData(16_384, 65_536, 2, 4096)]
    public async Task the_one_pass_rebuild_writes_exactly_the_documents_the_inline_projections_wrote(int? othersBatch, int? blockBytes, int? openStreams, int? copyBytes)
    {
        await ScenarioAsync(Desk.NL);
        await ScenarioAsync(Desk.ES);

        var before = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        Assert.All(ProjectionRebuilder.Tables, t => Assert.NotEmpty(before[t]));

        var dataSource = Fixture.Host.Services.GetRequiredService<NpgsqlDataSource>();
        var report = await (othersBatch is { } batch && blockBytes is { } bytes && openStreams is { } streams && copyBytes is { } copy
            ? ProjectionRebuilder.RebuildAsync(dataSource, Fixture.Store, new RebuildTuning(batch, bytes, streams, copy), CancellationToken.None)
            : ProjectionRebuilder.RebuildAsync(dataSource, Fixture.Store, CancellationToken.None));

        Assert.Equal(await Fixture.EventCountAsync(), report.Events);
        var after = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        foreach (var table in ProjectionRebuilder.Tables)
        {
            Assert.Equal(before[table].Count, report.Documents[table]);
            Assert.Equal(before[table], after[table]);
        }
    }

    /// <summary>
    /// The scenario's streams really are interleaved in the log (a case's events lie between its assets'),
    /// so the read in the log's order holds several streams open at once: more than the 0, 1 and 2 of the
    /// test above, which would not reach its second read otherwise.
    /// </summary>
    [Fact]
    public async Task the_scenario_interleaves_its_streams_in_the_log()
    {
        await ScenarioAsync(Desk.NL);
        await ScenarioAsync(Desk.ES);
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        // Streams open at once in the log's order: +1 at a stream's first event, -1 after its last.
        await using var cmd = new NpgsqlCommand("""
            with s as (select tenant_id, stream_id, min(seq_id) first, max(seq_id) last from assetledger.mt_events group by tenant_id, stream_id having count(*) > 1),
            e as (select first as at, 1 as d from s union all select last, -1 from s)
            select max(open) from (select sum(d) over (order by at, d rows unbounded preceding) open from e) x
            """, conn);
        var open = (long)(await cmd.ExecuteScalarAsync())!;
        Assert.True(open >= 3, $"at most {open} streams are open at once");
    }

    /// <summary>
    /// A stream whose version in <c>mt_streams</c> is ahead of its events (its last event never seen as
    /// such) is still written, when the read ends, and the same as the inline projection wrote it.
    /// </summary>
    [Theory]
    [InlineData(262_144)]
    [InlineData(0)]
    public async Task a_stream_whose_recorded_version_is_ahead_of_its_events_is_still_written(int openStreams)
    {
        await ScenarioAsync(Desk.NL);
        var before = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        await ExecuteAsync("update assetledger.mt_streams set version = version + 5");

        await RebuildAsync(new RebuildTuning(OpenStreams: openStreams));

        await AssertDocumentsAsync(before);
    }

    /// <summary>
    /// An event beyond its stream's version in <c>mt_streams</c> would come after the stream's documents
    /// were written: the rebuild refuses, naming the event, and changes nothing.
    /// </summary>
    [Theory]
    [InlineData(262_144)]
    [InlineData(0)]
    public async Task an_event_beyond_its_streams_recorded_version_fails_the_rebuild_and_changes_nothing(int openStreams)
    {
        await ScenarioAsync(Desk.NL);
        var before = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        // Streams of three events or more: with none open they all wait for the second read, which meets the event first.
        await ExecuteAsync("update assetledger.mt_streams set version = version - 1 where version > 2");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => RebuildAsync(new RebuildTuning(OpenStreams: openStreams)));
        Assert.Contains("beyond its stream's version in mt_streams", refused.Message);

        await AssertDocumentsAsync(before);
    }

    [Fact]
    public async Task the_rebuild_replaces_documents_that_were_altered_or_lost()
    {
        await ScenarioAsync(Desk.NL);
        var before = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        await using (var conn = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await conn.OpenAsync();
            await using var tamper = new NpgsqlCommand(
                "update assetledger.mt_doc_case set data = jsonb_set(data, '{title}', '\"altered\"'); delete from assetledger.mt_doc_asset where ctid in (select ctid from assetledger.mt_doc_asset limit 1)", conn);
            await tamper.ExecuteNonQueryAsync();
        }
        Assert.NotEqual(before["mt_doc_case"], (await FaultDatabase.DocumentsAsync(Fixture.ConnectionString))["mt_doc_case"]);

        await RebuildAsync(new RebuildTuning());

        var after = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        Assert.Equal(before["mt_doc_case"], after["mt_doc_case"]);
        Assert.Equal(before["mt_doc_asset"], after["mt_doc_asset"]);
    }

    /// <summary>
    /// The asset documents are copied while the events are still being read and folded: a copy that
    /// fails there must stop the reader and the folders (not leave them waiting for room), surface the
    /// database's own error, and leave every document as it was.
    /// </summary>
    [Theory]
    [InlineData("mt_doc_asset", 8_192)]
    [InlineData("mt_doc_case", 8_192)]
    [InlineData("mt_doc_asset", 1)]
    [InlineData("mt_doc_case", 1)]
    public async Task a_rebuild_whose_copy_fails_surfaces_the_error_and_changes_nothing(string table, int othersBatch)
    {
        await ScenarioAsync(Desk.NL);
        await ScenarioAsync(Desk.ES);
        var before = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        await ExecuteAsync($"""
            create function assetledger.al_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$;
            create trigger al_test_refuse before insert on assetledger.{table} for each row execute function assetledger.al_test_refuse()
            """);
        try
        {
            var rebuild = RebuildAsync(new RebuildTuning(OthersBatch: othersBatch));
            var refused = await Assert.ThrowsAsync<PostgresException>(() => rebuild.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("refused by the test", refused.MessageText);
        }
        finally
        {
            await ExecuteAsync($"drop trigger al_test_refuse on assetledger.{table}; drop function assetledger.al_test_refuse()");
        }
        await AssertDocumentsAsync(before);
    }

    /// <summary>
    /// A stream's event that comes in the log after the stream's last one (its order in the log not its
    /// versions' order, a store altered behind Marten's back) would be folded after the stream's documents
    /// were written: the rebuild refuses, naming the event, and changes nothing.
    /// </summary>
    [Fact]
    public async Task an_event_after_its_streams_last_in_the_log_fails_the_rebuild_and_changes_nothing()
    {
        await ScenarioAsync(Desk.NL);
        var before = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        // The asset with custody and a valuation: its seizure (the event before the valuation, its last) moves to the end of the log.
        await ExecuteAsync("""
            with a as (select stream_id, version from assetledger.mt_events where mt_dotnet_type like 'AssetLedger.Assets.AssetValued,%' limit 1)
            update assetledger.mt_events set seq_id = (select max(seq_id) + 1 from assetledger.mt_events)
            where stream_id = (select stream_id from a) and version = (select version - 1 from a)
            """);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => RebuildAsync(new RebuildTuning()));
        Assert.Contains("comes after its stream's last event", refused.Message);
        await AssertDocumentsAsync(before);
    }

    /// <summary>
    /// Marten's tombstones (written into a stream of their own, whose version in <c>mt_streams</c> stays 0,
    /// when an append fails: the fault tests' outages leave some) are no event of the ledger: the rebuild
    /// leaves them out (with none open, the tombstone stream would otherwise wait for the second read), and
    /// writes the same documents.
    /// </summary>
    [Theory]
    [InlineData(262_144)]
    [InlineData(0)]
    public async Task martens_tombstones_are_left_out(int openStreams)
    {
        await ScenarioAsync(Desk.NL);
        var before = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        await ExecuteAsync("""
            insert into assetledger.mt_streams (tenant_id, id, type, version) values ('*DEFAULT*', '12774c9f-2655-465f-9e3a-1185b62eb04d', null, 0);
            insert into assetledger.mt_events (seq_id, id, stream_id, version, data, type, tenant_id, mt_dotnet_type)
            select (select max(seq_id) from assetledger.mt_events) + n, gen_random_uuid(), '12774c9f-2655-465f-9e3a-1185b62eb04d', n, '{}', 'tombstone', '*DEFAULT*', 'Marten.Events.Tombstone, Marten'
            from generate_series(1, 3) n
            """);

        var report = await RebuildAsync(new RebuildTuning(OpenStreams: openStreams));

        Assert.Equal(await Fixture.EventCountAsync(), report.Events);
        await AssertDocumentsAsync(before);
    }

    /// <summary>
    /// An event whose .NET type no longer exists stops the rebuild while it reads, names the event, and
    /// changes nothing; with blocks of 64 bytes the rows read before it are spread over many blocks.
    /// </summary>
    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(64)]
    public async Task an_event_of_an_unknown_type_fails_the_rebuild_and_changes_nothing(int blockBytes)
    {
        await ScenarioAsync(Desk.NL);
        await ScenarioAsync(Desk.ES);
        var before = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        await ExecuteAsync("""
            update assetledger.mt_events set mt_dotnet_type = 'AssetLedger.NoSuchEvent, AssetLedger.Core'
            where seq_id = (select min(seq_id) + 3 from assetledger.mt_events)
            """);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => RebuildAsync(new RebuildTuning(BlockBytes: blockBytes)).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Unknown event type AssetLedger.NoSuchEvent", refused.Message);

        await AssertDocumentsAsync(before);
    }

    /// <summary>
    /// The store's serializer writes every object's keys in the order <c>jsonb</c> keeps them
    /// (<see cref="JsonbKeyOrder"/>), which spares PostgreSQL its sort of the keys. PostgreSQL's own
    /// order of a set of names of every UTF-8 length, cases and scripts is the comparer's.
    /// </summary>
    [Fact]
    public async Task the_store_orders_names_as_jsonb_does()
    {
        string[] names = ["id", "b", "B", "a", "Z", "_", "é", "zz", "ab", "aé", "abc", "ÿ", "Ā", "ａ", "€", "𝄞", "abcd", "caseId", "orders", "Orders", "hasDeadlines"];
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select jsonb_object_keys($1::jsonb)", conn)
        {
            Parameters = { new() { Value = System.Text.Json.JsonSerializer.Serialize(names.ToDictionary(n => n, _ => 0)) } },
        };
        var stored = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) stored.Add(reader.GetString(0));

        Assert.Equal(names.Length, stored.Count);
        Assert.Equal(stored, names.OrderBy(n => n, JsonbKeyOrder.Comparer));
        Assert.NotEqual(stored, names.Order(StringComparer.Ordinal)); // the set tells the two orders apart
    }

    /// <summary>
    /// Every event and document the scenario stored, read back and serialised again by the store's
    /// serializer, comes out with the keys of every object in the very order PostgreSQL returns them.
    /// </summary>
    [Fact]
    public async Task the_store_writes_every_object_in_jsonbs_order_of_keys()
    {
        await ScenarioAsync(Desk.NL);
        await ScenarioAsync(Desk.ES);
        System.Text.Json.JsonSerializerOptions? options = null;
        ((Marten.Services.SystemTextJsonSerializer)Fixture.Store.Options.Serializer()).Configure(o => options = o);
        Type[] known = [typeof(ProjectionRebuilder), typeof(AssetLedger.Core.Money.Money)];
        Type TypeOf(string name) =>
            Type.GetType(name) ?? known.Select(t => t.Assembly.GetType(name)).FirstOrDefault(t => t is not null)
            ?? throw new InvalidOperationException($"no type {name}");

        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        var checkedObjects = 0;
        foreach (var table in ProjectionRebuilder.Tables.Append("mt_events"))
        {
            await using var cmd = new NpgsqlCommand($"select data::text, mt_dotnet_type from assetledger.{table} where mt_dotnet_type is not null", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            var rows = 0;
            while (await reader.ReadAsync())
            {
                var stored = reader.GetString(0);
                var value = System.Text.Json.JsonSerializer.Deserialize(stored, TypeOf(reader.GetString(1)), options)!;
                var written = System.Text.Json.JsonSerializer.Serialize(value, value.GetType(), options);
                using var a = System.Text.Json.JsonDocument.Parse(stored);
                using var b = System.Text.Json.JsonDocument.Parse(written);
                checkedObjects += SameKeyOrder(a.RootElement, b.RootElement, $"{table} {reader.GetString(1)}");
                rows++;
            }
            Assert.True(rows > 0, $"{table} holds nothing to check");
        }
        Assert.True(checkedObjects > 100, $"only {checkedObjects} objects checked");

        static int SameKeyOrder(System.Text.Json.JsonElement stored, System.Text.Json.JsonElement written, string where)
        {
            Assert.Equal(stored.ValueKind, written.ValueKind);
            if (stored.ValueKind == System.Text.Json.JsonValueKind.Array)
                return stored.EnumerateArray().Zip(written.EnumerateArray()).Sum(p => SameKeyOrder(p.First, p.Second, where));
            if (stored.ValueKind != System.Text.Json.JsonValueKind.Object) return 0;
            var (s, w) = (stored.EnumerateObject().ToArray(), written.EnumerateObject().ToArray());
            Assert.True(s.Select(p => p.Name).SequenceEqual(w.Select(p => p.Name)),
                $"{where}: stored {string.Join(",", s.Select(p => p.Name))}, written {string.Join(",", w.Select(p => p.Name))}");
            return 1 + s.Zip(w).Sum(p => SameKeyOrder(p.First.Value, p.Second.Value, where));
        }
    }

    private Task<RebuildReport> RebuildAsync(RebuildTuning tuning) =>
        ProjectionRebuilder.RebuildAsync(Fixture.Host.Services.GetRequiredService<NpgsqlDataSource>(), Fixture.Store, tuning, CancellationToken.None);

    /// <summary>Every projected table holds exactly the documents it held before.</summary>
    private async Task AssertDocumentsAsync(Dictionary<string, List<string>> before)
    {
        var after = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        foreach (var t in ProjectionRebuilder.Tables) Assert.Equal(before[t], after[t]);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
