using System.Net;
using Alba;
using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using static AssetLedger.Api.Tests.DatabaseRoles.RolesScript;

namespace AssetLedger.Api.Tests.DatabaseRoles;

/// <summary>
/// S6: with ops/db-roles.sql applied, the service runs as assetledger_app, which can append events
/// and keep projections current but cannot UPDATE, DELETE or TRUNCATE a row of mt_events.
/// </summary>
public sealed class when_the_service_runs_as_a_restricted_role
{
    private static async Task<string> FreshDatabaseAsync(string prefix)
    {
        var server = await TestDatabase.Shared;
        return await server.CreateDatabaseAsync(prefix + Guid.NewGuid().ToString("N")[..8]);
    }

    private static Task<IAlbaHost> HostAsync(string connectionString, bool autoCreate) =>
        AlbaHost.For<Program>(b =>
        {
            b.UseSetting("ConnectionStrings:AssetLedger", connectionString);
            b.UseSetting("Auth:SigningKey", ApiFixture.SigningKey);
            b.UseSetting("Database:AutoCreate", autoCreate ? "true" : "false");
        });

    [Fact]
    public async Task a_schema_created_by_a_superuser_and_handed_to_the_owner_works_for_the_app_which_cannot_change_events()
    {
        var admin = await FreshDatabaseAsync("roles_existing_");

        // An existing deployment: Marten created its schema with a superuser's connection.
        await using (var creator = await HostAsync(admin, autoCreate: true))
            Assert.Equal(HttpStatusCode.OK, (await new Infrastructure.Api(creator.Server.CreateClient()).Get("/api/cases", Tokens.Auditor)).Status);

        await ApplyWithNpgsqlAsync(admin);

        Assert.Equal(Owner, await ScalarAsync<string>(admin, "select nspowner::regrole::text from pg_namespace where nspname = 'assetledger'"));
        Assert.Equal(0L, await ScalarAsync<long>(admin, """
            select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'assetledger' and c.relowner <> 'assetledger_owner'::regrole
            """));
        Assert.Equal(0L, await ScalarAsync<long>(admin, """
            select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'assetledger' and p.proowner <> 'assetledger_owner'::regrole
            """));

        await TheAppRoleRunsTheServiceAsync(admin);
        await TheAppRoleCannotChangeEventsAsync(admin);
    }

    [Fact]
    public async Task the_production_sequence_roles_then_db_apply_as_the_owner_then_roles_again()
    {
        var admin = await FreshDatabaseAsync("roles_production_");
        var viaShell = FindPsql() is not null;
        Func<Task> applyRoles = viaShell ? () => Task.Run(() => ApplyWithShell(admin)) : () => ApplyWithNpgsqlAsync(admin);

        // 1. Roles and an empty schema owned by assetledger_owner.
        await applyRoles();
        Assert.Equal(Owner, await ScalarAsync<string>(admin, "select nspowner::regrole::text from pg_namespace where nspname = 'assetledger'"));

        // 2. The owner applies the schema with the service's own command.
        await Task.Run(() => DbApply(As(admin, Owner)));
        Assert.Equal(0L, await ScalarAsync<long>(admin, """
            select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'assetledger' and c.relowner <> 'assetledger_owner'::regrole
            """));

        // Default privileges: tables the owner just created give the app SELECT and INSERT only,
        // so not even a table created after the roles script lets the app change an event.
        Assert.Equal(new[] { "INSERT", "SELECT" }, await PrivilegesAsync(admin, App, "assetledger.mt_events"));
        Assert.Equal(new[] { "INSERT", "SELECT" }, await PrivilegesAsync(admin, App, "assetledger.mt_doc_asset"));

        // 3. The script again: document tables and stream heads get what Marten needs.
        await applyRoles();
        Assert.Equal(new[] { "INSERT", "SELECT" }, await PrivilegesAsync(admin, App, "assetledger.mt_events"));
        Assert.Equal(new[] { "INSERT", "SELECT", "UPDATE" }, await PrivilegesAsync(admin, App, "assetledger.mt_streams"));
        Assert.Equal(new[] { "DELETE", "INSERT", "SELECT", "UPDATE" }, await PrivilegesAsync(admin, App, "assetledger.mt_doc_asset"));

        await TheAppRoleRunsTheServiceAsync(admin);
        await TheAppRoleCannotChangeEventsAsync(admin);

        // 4. A privilege granted by hand does not survive the next run of the script.
        await ExecuteAsync(admin, "grant update, delete, truncate on assetledger.mt_events to assetledger_app");
        Assert.Contains("UPDATE", await PrivilegesAsync(admin, App, "assetledger.mt_events"));
        await applyRoles();
        Assert.Equal(new[] { "INSERT", "SELECT" }, await PrivilegesAsync(admin, App, "assetledger.mt_events"));
    }

    [Fact]
    public async Task the_script_can_run_again_and_again()
    {
        var admin = await FreshDatabaseAsync("roles_rerun_");
        await using (await HostAsync(admin, autoCreate: true)) { }

        for (var i = 0; i < 3; i++)
            await ApplyWithNpgsqlAsync(admin);

        Assert.Equal(1L, await ScalarAsync<long>(admin, "select count(*) from pg_roles where rolname = 'assetledger_app'"));
        Assert.False(await ScalarAsync<bool>(admin, "select pg_has_role('assetledger_app', 'assetledger_owner', 'MEMBER')"));
        Assert.Equal(new[] { "INSERT", "SELECT" }, await PrivilegesAsync(admin, App, "assetledger.mt_events"));
    }

    /// <summary>A short life of an asset through HTTP with the service logged in as assetledger_app; the audit chain verifies.</summary>
    private static async Task TheAppRoleRunsTheServiceAsync(string admin)
    {
        var appConnection = As(admin, App);
        Assert.Equal(App, await ScalarAsync<string>(appConnection, "select current_user::text"));
        var eventsBefore = await ScalarAsync<long>(admin, "select count(*) from assetledger.mt_events");

        await using var host = await HostAsync(appConnection, autoCreate: false);
        var api = new Infrastructure.Api(host.Server.CreateClient());

        var caseId = await api.OpenCase();
        var asset = await api.AddAsset(caseId);
        await api.Freeze(asset).Ok();
        await api.Seize(asset).Ok();
        var order = Guid.NewGuid();
        await api.OrderConfiscation(asset, order).Ok();
        await api.Finality(asset, order).Ok();
        await api.Realise(asset, "250000.00").Ok();
        var claim = await api.Post($"/api/cases/{caseId}/victim-claims",
            new { claimId = Guid.NewGuid(), victimRef = "V-1", amount = Scenarios.Money("40000.00"), basis = "compensation order" }, Tokens.Prosecutor);
        Assert.True(claim.Status == HttpStatusCode.Created, claim.ToString());
        var distribution = await api.Post($"/api/cases/{caseId}/distributions", Distribution.DistributionKit.Body(Guid.NewGuid(), "eu-2018-1805", "DE"), Tokens.Treasury);
        Assert.True(distribution.Status == HttpStatusCode.Created, distribution.ToString());

        // A refusal (an illegal transition, nothing appended) and reads behave as usual.
        var freezeAgain = await api.Freeze(asset);
        Assert.True(freezeAgain.Status == HttpStatusCode.Conflict, freezeAgain.ToString());
        Assert.Equal(HttpStatusCode.OK, (await api.Get($"/api/assets/{asset}/history", Tokens.Auditor)).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.Get("/api/cases", Tokens.Auditor)).Status);

        var verify = await api.Get("/api/audit/verify", Tokens.Auditor);
        Assert.True(verify.Status == HttpStatusCode.OK, verify.ToString());
        Assert.Empty(verify["broken"].EnumerateArray());
        Assert.True(verify["eventsChecked"].GetInt64() >= 10, verify.ToString());
        Assert.True(await ScalarAsync<long>(admin, "select count(*) from assetledger.mt_events") >= eventsBefore + 10);
    }

    /// <summary>Logged in as assetledger_app, no event row can be changed, removed or truncated, nor the table altered or dropped.</summary>
    private static async Task TheAppRoleCannotChangeEventsAsync(string admin)
    {
        var appConnection = As(admin, App);
        var fingerprint = await EventsFingerprintAsync(admin);
        Assert.NotEqual("0:", fingerprint);

        string[] forbidden =
        [
            "update assetledger.mt_events set data = '{}'::jsonb",
            "update assetledger.mt_events set headers = jsonb_set(headers, '{hash}', '\"forged\"') where version = 1",
            "delete from assetledger.mt_events",
            "delete from assetledger.mt_events where version = (select max(version) from assetledger.mt_events)",
            "truncate assetledger.mt_events",
            "truncate assetledger.mt_events cascade",
            "alter table assetledger.mt_events disable trigger all",
            "drop table assetledger.mt_events",
            "delete from assetledger.mt_streams",
            "select assetledger.mt_archive_stream(stream_id, tenant_id) from assetledger.mt_events limit 1",
            "create table assetledger.mt_events_shadow (id int)",
        ];
        foreach (var sql in forbidden)
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(appConnection, sql));
            Assert.True(refused.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
        }

        // The app may still read and append (that is what the service does).
        Assert.True(await ScalarAsync<long>(appConnection, "select count(*) from assetledger.mt_events") > 0);
        Assert.Equal(fingerprint, await EventsFingerprintAsync(admin));
    }

    private static Task<string> EventsFingerprintAsync(string connectionString) =>
        ScalarAsync<string>(connectionString,
            "select count(*) || ':' || coalesce(md5(string_agg(seq_id || '|' || stream_id || '|' || version || '|' || type || '|' || data::text || '|' || headers::text, ',' order by seq_id)), '') from assetledger.mt_events");

    private static async Task<string[]> PrivilegesAsync(string connectionString, string role, string table) =>
        (await ScalarAsync<string[]>(connectionString, $"""
            select coalesce(array_agg(p order by p), array[]::text[]) from unnest(array['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) p
            where has_table_privilege('{role}', '{table}', p)
            """));

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
