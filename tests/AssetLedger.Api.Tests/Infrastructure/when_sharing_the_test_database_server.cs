using Npgsql;

namespace AssetLedger.Api.Tests.Infrastructure;

public sealed class when_sharing_the_test_database_server
{
    [Fact]
    public async Task Shared_server_hands_out_isolated_databases()
    {
        var server = await TestDatabase.Shared;

        var first = await server.CreateDatabaseAsync("testdatabase_selftest_a");
        var second = await server.CreateDatabaseAsync("testdatabase_selftest_b");

        Assert.Equal("testdatabase_selftest_a", await ScalarAsync(first, "select current_database()"));
        Assert.Equal("testdatabase_selftest_b", await ScalarAsync(second, "select current_database()"));
        Assert.Equal(1, await ScalarAsync(first, "select 1"));

        // a table in one database is invisible in the other
        await ScalarAsync(first, "create table isolation_probe (id int)");
        Assert.Equal(0L, await ScalarAsync(second, "select count(*) from pg_tables where tablename = 'isolation_probe'"));

        // creating a database again gives a fresh, empty one
        var again = await server.CreateDatabaseAsync("testdatabase_selftest_a");
        Assert.Equal(0L, await ScalarAsync(again, "select count(*) from pg_tables where tablename = 'isolation_probe'"));
    }

    [Fact]
    public async Task Shared_is_one_server_per_process()
    {
        Assert.Same(await TestDatabase.Shared, await TestDatabase.Shared);
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
