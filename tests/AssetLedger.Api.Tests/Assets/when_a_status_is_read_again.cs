using System.Net;
using AssetLedger.Api.Assets;
using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace AssetLedger.Api.Tests.Assets;

/// <summary>
/// <c>GET /api/assets/{id}</c> answers from memory when it can (<see cref="AssetStatusCache"/>), and
/// still reflects every write as soon as it is acknowledged: grouped commands, commands run alone,
/// and case commands that append to the asset's stream.
/// </summary>
public sealed class when_a_status_is_read_again(ApiFixture fixture) : ApiTest(fixture)
{
    private AssetStatusCache Cache => Fixture.Host.Services.GetRequiredService<AssetStatusCache>();

    private async Task<Reply> Status(Guid asset, string? token = null)
    {
        // The test host is the only instance on its database: its cache answers once its lease is taken (at start).
        for (var waited = 0; !Cache.HoldsLease && waited < 100; waited++) await Task.Delay(100);
        Assert.True(Cache.HoldsLease, "the test host did not take the status cache's lease within 10 s");
        return await Client.Get($"/api/assets/{asset}", token ?? Tokens.Investigator);
    }

    [Fact]
    public async Task the_second_read_is_answered_from_memory_with_the_same_body_and_etag()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var first = await Status(asset);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(Cache.TryGet("NL", asset, new LocalDate(2026, 3, 1), out var kept));

        var second = await Status(asset);

        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal($"\"{kept.Version}\"", second.Headers.ETag!.Tag);
        Assert.Equal("application/json", second.ContentHeaders!.ContentType!.MediaType);
    }

    [Fact]
    public async Task a_grouped_seizure_and_an_order_run_alone_are_both_read_at_once()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        await Client.Freeze(asset).Ok();
        Assert.Equal("frozen", (await Status(asset)).Str("status"));

        var seized = await Client.Seize(asset).Ok(); // a plain acceptance: committed through the group committer
        var afterSeizure = await Status(asset);
        Assert.Equal("seized", afterSeizure.Str("status"));
        Assert.Equal(seized.Headers.ETag, afterSeizure.Headers.ETag);

        var ordered = await Client.OrderConfiscation(asset, Guid.NewGuid()).Ok(); // an order: runs alone
        var afterOrder = await Status(asset);
        Assert.Equal(ordered.Headers.ETag, afterOrder.Headers.ETag);
        Assert.Single(afterOrder["orders"].EnumerateArray());
    }

    [Fact]
    public async Task an_agency_added_to_the_case_sees_the_asset_at_once()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        var kmar = Tokens.For("investigator", agency: "KMAR", sub: "u-kmar");
        Assert.Equal(HttpStatusCode.OK, (await Status(asset)).Status); // kept, with FIOD alone allowed
        Assert.Equal(HttpStatusCode.NotFound, (await Status(asset, kmar)).Status);

        var added = await Client.Post($"/api/cases/{caseId}/agencies", new { commandId = Guid.NewGuid(), agency = "KMAR" }, Tokens.Investigator);
        Assert.Equal(HttpStatusCode.OK, added.Status);

        Assert.Equal(HttpStatusCode.OK, (await Status(asset, kmar)).Status);
    }

    [Fact]
    public async Task every_acknowledged_write_is_read_back_while_other_clients_keep_reading()
    {
        var caseId = await Client.OpenCase();
        var assets = new List<Guid>();
        for (var i = 0; i < 4; i++) assets.Add(await Client.AddAsset(caseId));
        using var stop = new CancellationTokenSource();
        // Readers hammer the same assets, so answers are read (and offered to the cache) while writes commit.
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested)
            {
                Assert.Equal(HttpStatusCode.OK, (await Status(assets[(r + reads) % assets.Count])).Status);
                reads++;
            }
            return reads;
        })).ToList();

        for (var round = 0; round < 15; round++)
            foreach (var asset in assets)
            {
                var written = await Client.Value(asset, amount: $"{1000 + round}.00").Ok();
                var read = await Status(asset);
                Assert.Equal(written.Headers.ETag, read.Headers.ETag);
                Assert.Equal($"{1000 + round}.00", read["latestValuation"].GetProperty("value").GetProperty("amount").GetString());
            }

        stop.Cancel();
        Assert.All(await Task.WhenAll(readers), reads => Assert.True(reads > 0));
    }

    [Fact]
    public async Task a_change_made_behind_the_service_is_read_once_the_answer_expires()
    {
        // Another process writing the same database is not seen by this one's cache: the entry's
        // lifetime bounds how long (docs/architecture.md). Simulated by an UPDATE of the document.
        var asset = await Client.AddAsset(await Client.OpenCase());
        Assert.Equal("identified", (await Status(asset)).Str("status"));
        await using (var conn = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await conn.OpenAsync();
            await using var update = new NpgsqlCommand(
                "update assetledger.mt_doc_asset set data = jsonb_set(data, '{status}', '\"Seized\"') where id = $1", conn) { Parameters = { new() { Value = asset } } };
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        Assert.Equal("identified", (await Status(asset)).Str("status"));
        Fixture.Clock.Advance(Cache.Lifetime);
        Assert.Equal("seized", (await Status(asset)).Str("status"));
    }

    [Fact]
    public async Task a_replayed_command_drops_the_kept_answers()
    {
        // A replay may stand for a commit whose outcome its first attempt never learnt.
        var asset = await Client.AddAsset(await Client.OpenCase());
        var key = Guid.NewGuid();
        var body = new { commandId = key, custodian = "ORD", location = "Depot Utrecht", seizedAt = "2026-03-02T10:00:00Z" };
        var seized = await Client.Command(asset, "seize", body, Tokens.Investigator).Ok();
        Assert.Equal("seized", (await Status(asset)).Str("status"));
        Assert.True(Cache.TryGet("NL", asset, new LocalDate(2026, 3, 1), out _));

        var replayed = await Client.Command(asset, "seize", body, Tokens.Investigator).Ok();

        Assert.Equal(seized.Headers.ETag, replayed.Headers.ETag);
        Assert.False(Cache.TryGet("NL", asset, new LocalDate(2026, 3, 1), out _));
        Assert.Equal("seized", (await Status(asset)).Str("status"));
    }

    [Fact]
    public async Task an_unknown_asset_is_not_kept()
    {
        var asset = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await Status(asset)).Status);
        Assert.False(Cache.TryGet("NL", asset, new LocalDate(2026, 3, 1), out _));
    }
}
