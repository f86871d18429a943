using System.Net;
using AssetLedger.Api.Infrastructure;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Assets;
using AssetLedger.Core.Money;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace AssetLedger.Api.Tests.Reliability;

/// <summary>
/// Group commit: concurrent commands on different assets share transactions, and each still has its
/// own envelope, its own chain hashes and its own idempotency record; a group that cannot commit
/// (one reused key) costs the others nothing but a second try.
/// </summary>
public sealed class when_commands_are_committed_together(ApiFixture fixture) : ApiTest(fixture)
{
    private const int Commands = 48;

    private async Task<Guid[]> GivenAssets(int n)
    {
        var caseId = await Client.OpenCase();
        var assets = new Guid[n];
        for (var i = 0; i < n; i++) assets[i] = await Client.AddAsset(caseId);
        return assets;
    }

    private Task<Reply> Seize(Guid asset, Guid key, string correlation, string custodian = "ORD") =>
        Client.PostWith($"/api/assets/{asset}/seize", Scenarios.SeizureBody(key, custodian), Tokens.Investigator, correlation);

    private sealed record Row(Guid Stream, string Transaction, string? Correlation, string? Causation, string? User, string? CommandId, string? ActorId);

    private async Task<List<Row>> SeizureRows()
    {
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            select stream_id, xmin::text, correlation_id, causation_id, user_name, headers ->> 'commandId', headers ->> 'actorId'
            from assetledger.mt_events where type = 'asset_seized'
            """, conn);
        var rows = new List<Row>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(new Row(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        return rows;
    }

    [Fact]
    public async Task concurrent_commands_share_transactions_and_each_keeps_its_own_envelope_chain_and_key()
    {
        var assets = await GivenAssets(Commands);
        var keys = assets.Select(_ => Guid.NewGuid()).ToArray();

        var replies = await Task.WhenAll(assets.Select((a, i) => Seize(a, keys[i], $"corr-{i}")));

        Assert.All(replies, r => Assert.True(r.Status == HttpStatusCode.OK, r.ToString()));
        var rows = await SeizureRows();
        Assert.Equal(Commands, rows.Count);
        // Several commands committed in one transaction (rows of one transaction share its xmin).
        Assert.True(rows.Select(r => r.Transaction).Distinct().Count() < Commands, "every command committed alone");
        for (var i = 0; i < Commands; i++)
        {
            var row = Assert.Single(rows, r => r.Stream == assets[i]);
            Assert.Equal($"corr-{i}", row.Correlation);
            Assert.Equal(keys[i].ToString(), row.Causation);
            Assert.Equal(keys[i].ToString(), row.CommandId);
            Assert.False(string.IsNullOrEmpty(row.User));
            Assert.Equal(row.User, row.ActorId);
            Assert.Equal("seized", replies[i].Str("status"));
        }

        var verify = await Client.Get("/api/audit/verify", Tokens.Auditor);
        Assert.Empty(verify.Json.GetProperty("broken").EnumerateArray());

        // Each key's record was committed with its events: a replay answers the same and appends nothing.
        var before = await Fixture.EventCountAsync();
        var replays = await Task.WhenAll(assets.Select((a, i) => Seize(a, keys[i], $"again-{i}")));
        Assert.All(replays, r => Assert.True(r.Status == HttpStatusCode.OK, r.ToString()));
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task a_reused_key_in_a_group_is_refused_and_the_other_commands_commit()
    {
        var assets = await GivenAssets(Commands);
        var used = Guid.NewGuid();
        var other = await Client.AddAsset(await Client.OpenCase("NL-2026-0043"));
        Assert.Equal(HttpStatusCode.OK, (await Seize(other, used, "first")).Status);
        var before = await Fixture.EventCountAsync();

        // The reused key is sent in the middle of the burst, for another asset and body.
        var replies = await Task.WhenAll(assets.Select((a, i) => Seize(a, i == Commands / 2 ? used : Guid.NewGuid(), $"corr-{i}")));

        for (var i = 0; i < Commands; i++)
            Assert.True(replies[i].Status == (i == Commands / 2 ? HttpStatusCode.Conflict : HttpStatusCode.OK), $"{i}: {replies[i]}");
        Assert.Equal(before + Commands - 1, await Fixture.EventCountAsync());
        var verify = await Client.Get("/api/audit/verify", Tokens.Auditor);
        Assert.Empty(verify.Json.GetProperty("broken").EnumerateArray());
    }

    [Fact]
    public async Task a_group_that_throws_unexpectedly_hands_its_commands_back_and_they_commit_alone()
    {
        var assets = await GivenAssets(8);
        var executor = Fixture.Host.Services.GetRequiredService<CommandExecutor>();
        var caller = new Caller("u-1", "Test", [Roles.Investigator], "NL", "FIOD");
        var before = await Fixture.EventCountAsync();

        // More failures than the committer has workers: a worker that died with its group would
        // leave later commands waiting forever.
        foreach (var asset in assets.Take(3))
            Assert.Equal("alone", Assert.IsType<Outcome.Done>(await RunWithAFailingGroup(executor, caller, asset).WaitAsync(TimeSpan.FromSeconds(30))).Body);

        Assert.Equal(before + 3, await Fixture.EventCountAsync());
        var seizures = await Task.WhenAll(assets.Skip(3).Select((a, i) => Seize(a, Guid.NewGuid(), $"after-{i}"))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(seizures, r => Assert.True(r.Status == HttpStatusCode.OK, r.ToString()));
        var verify = await Client.Get("/api/audit/verify", Tokens.Auditor);
        Assert.Empty(verify.Json.GetProperty("broken").EnumerateArray());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void a_service_configured_with_no_group_commit_worker_does_not_start(string workers)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => LedgerApp.Build([$"--Commands:GroupCommitWorkers={workers}"]));
        Assert.Equal($"Commands:GroupCommitWorkers must be at least 1 (it is {workers}).", refused.Message);
    }

    [Fact]
    public void a_committer_needs_at_least_one_worker() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupCommitter(null!, null!, null!, null!, null!, null!, null!, workerCount: 0));

    private static async Task<Outcome> RunWithAFailingGroup(CommandExecutor executor, Caller caller, Guid asset)
    {
        var ctx = new CommandContext(caller, Roles.Investigator, Guid.NewGuid(), "fingerprint", "corr-alone", null);
        var groupTried = false;
        // The group decides first (and throws, like a bug); alone, the same decision accepts.
        var outcome = await executor.RunAsync(new StreamCommand<Asset>(ctx, "test", asset)
        {
            Fetch = batch => batch.Events.FetchForWriting<Asset>(asset),
            Decide = scope =>
            {
                if (!groupTried)
                {
                    groupTried = true;
                    throw new InvalidOperationException("a bug in a grouped decision");
                }
                var valued = new AssetValued(new Money(100m, "EUR"), ValuationMethod.Book, "Bank", new LocalDate(2026, 3, 1), null);
                return Task.FromResult<Verdict>(new Verdict.Accept([valued], new Outcome.Done("alone", scope.Stream.Aggregate!.Version + 1)));
            },
            Represent = _ => Task.FromResult<Outcome>(new Outcome.Done("replay", 0)),
            Groupable = true,
        }, CancellationToken.None);

        Assert.True(groupTried);
        return outcome;
    }
}
