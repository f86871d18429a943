using System.Diagnostics;
using AssetLedger.Api.Tests.Infrastructure;
using Npgsql;

namespace AssetLedger.Api.Tests.Audit;

/// <summary>The <c>verify</c> command of the service's command line: exit 0 when intact, 1 when a row was changed.</summary>
public sealed class when_verifying_from_the_command_line(ApiFixture fixture) : ApiTest(fixture)
{
    private async Task<(int ExitCode, string Output)> Verify()
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AssetLedger.Api.dll"), "verify", "--jurisdiction", "NL"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__AssetLedger"] = Fixture.ConnectionString;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    [Fact]
    public async Task it_exits_zero_for_an_intact_store_and_one_after_tampering()
    {
        var caseId = await Client.OpenCase();
        var asset = await Client.AddAsset(caseId);
        await Client.Freeze(asset).Ok();

        var intact = await Verify();
        await using (var conn = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("update assetledger.mt_events set data = jsonb_set(data, '{orderReference}', '\"FORGED\"') where stream_id = $1 and version = 2", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = asset });
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        var tampered = await Verify();

        Assert.Equal(0, intact.ExitCode);
        Assert.Contains("\"broken\":[]", intact.Output);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains(asset.ToString(), tampered.Output);
        Assert.Contains("hash mismatch", tampered.Output);
    }
}
