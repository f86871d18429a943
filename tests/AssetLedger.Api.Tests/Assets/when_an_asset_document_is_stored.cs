using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;
using Npgsql;

namespace AssetLedger.Api.Tests.Assets;

/// <summary>
/// The asset document the inline projection stores leaves out empty (null) members and what is
/// derived from the rest (the active confiscation, a realisation's kept and net amounts); the
/// service's answers, read back from that document, still carry every field.
/// </summary>
public sealed class when_an_asset_document_is_stored(ApiFixture fixture) : ApiTest(fixture)
{
    private async Task<JsonElement> StoredAsync(Guid asset)
    {
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select data::text from assetledger.mt_doc_asset where id = $1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = asset });
        var text = (string?)await cmd.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no document for asset {asset}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string[] Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).Order().ToArray();

    [Fact]
    public async Task a_seized_asset_stores_no_empty_members()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        await Client.Seize(asset).Ok();

        var stored = await StoredAsync(asset);

        Assert.DoesNotContain(stored.EnumerateObject(), p => p.Value.ValueKind == JsonValueKind.Null);
        foreach (var absent in new[] { "freezing", "realisation", "release", "disposal", "statusBeforeConfiscation", "activeConfiscation" })
            Assert.DoesNotContain(absent, Keys(stored));
        Assert.Equal("Seized", stored.GetProperty("status").GetString());
        Assert.Equal(64, stored.GetProperty("chainHash").GetString()!.Length);

        // Read back from that document: the answer still names every member, empty ones as null.
        var status = await Client.Get($"/api/assets/{asset}", Tokens.Investigator);
        Assert.Equal("seized", status.Str("status"));
        Assert.Equal(JsonValueKind.Null, status["freezing"].ValueKind);
        Assert.Equal(JsonValueKind.Null, status["realisation"].ValueKind);
    }

    [Fact]
    public async Task a_realised_asset_stores_its_realisation_without_what_is_derived_from_it()
    {
        var asset = await Client.AddAsset(await Client.OpenCase());
        var order = Guid.NewGuid();
        await Client.Seize(asset).Ok();
        await Client.OrderConfiscation(asset, order).Ok();
        await Client.Finality(asset, order).Ok();
        await Client.Realise(asset, "100000", "1500.5", "20000").Ok();

        var stored = await StoredAsync(asset);

        Assert.DoesNotContain("activeConfiscation", Keys(stored));
        Assert.Equal(new[] { "costs", "gross", "method", "orderId", "realisedOn", "returnedToOwner" }, Keys(stored.GetProperty("realisation")));
        Assert.Equal("Seized", stored.GetProperty("statusBeforeConfiscation").GetString());

        // What was left out is computed again on the way out.
        var status = await Client.Get($"/api/assets/{asset}", Tokens.Treasury);
        Assert.Equal("realised", status.Str("status"));
        Assert.Equal("78499.50", status["realisation"].GetProperty("net").GetProperty("amount").GetString());
    }
}
