using AssetLedger.Api.Infrastructure;
using AssetLedger.Api.Tests.Infrastructure;

namespace AssetLedger.Api.Tests.Operations;

/// <summary>
/// <c>db-apply</c> then <c>db-assert</c>: once the schema is applied, Marten (Weasel) reads every
/// configured object back as equal, so a second apply changes nothing and the check passes. An index
/// Weasel cannot read back (a partial index whose predicate is a bare cast) made every later start
/// fail; one it reads back differently would be dropped and created again by every apply.
/// </summary>
public sealed class when_applying_the_schema
{
    [Fact]
    public async Task the_applied_schema_reads_back_as_configured()
    {
        var connectionString = await (await TestDatabase.Shared).CreateDatabaseAsync("schema_" + Guid.NewGuid().ToString("N")[..8]);
        await using var dataSource = MartenSetup.BuildDataSource(connectionString);
        using (var store = new Marten.DocumentStore(MartenSetup.Options(dataSource, autoCreate: true)))
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        // A second store, as a later start or the command line would open it.
        using var again = new Marten.DocumentStore(MartenSetup.Options(dataSource, autoCreate: false));
        await again.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
        var changes = await again.Storage.Database.CreateMigrationAsync();
        Assert.Equal(Weasel.Core.SchemaPatchDifference.None, changes.Difference);
    }
}
