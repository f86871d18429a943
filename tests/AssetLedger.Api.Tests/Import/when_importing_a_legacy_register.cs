using System.Net;
using System.Text;
using AssetLedger.Api.Audit;
using AssetLedger.Api.Import;
using AssetLedger.Api.Ops;
using AssetLedger.Api.Tests.Faults;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Import;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace AssetLedger.Api.Tests.Import;

/// <summary>
/// A legacy register imported (issue 16): the events the API would have recorded, hash-chained with
/// their provenance, the documents a rebuild would write, nothing of a rejected row, nothing again on
/// a second run, and a run stopped halfway completed by the next.
/// </summary>
public sealed class when_importing_a_legacy_register(ApiFixture fixture) : ApiTest(fixture)
{
    private static readonly ImportActor Importer = new("u-import", "Ingrid Import", "admin", "ARO");

    private LegacyImporter Importer_(int assetsPerBatch = 1_000) => new(
        Fixture.Host.Services.GetRequiredService<NpgsqlDataSource>(), Fixture.Store, Fixture.Host.Services.GetRequiredService<IClock>(),
        Fixture.Host.Services.GetRequiredService<AssetLedger.Api.Infrastructure.JurisdictionCalendar>(), Fixture.Host.Services.GetRequiredService<AssetLedger.Api.Assets.AssetStatusCache>())
    { AssetsPerBatch = assetsPerBatch };

    private static byte[] Register(int assets, int seed = 5, int invalidEvery = 0) =>
        Encoding.UTF8.GetBytes(new RegisterGenerator(assets, seed, "NL", invalidEvery).ToCsv());

    private async Task<long> Scalar(string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(Fixture.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private static int RejectedRows(ImportReport report) => report.Rejected.Select(r => r.Row).Distinct().Count();

    [Fact]
    public async Task a_generated_register_becomes_chained_events_with_their_provenance_and_the_documents_a_rebuild_writes()
    {
        var file = Register(600, invalidEvery: 40);
        var report = await Importer_(assetsPerBatch: 100).ImportAsync("NL", file, Importer, null, CancellationToken.None);

        Assert.Equal(600, report.Rows);
        Assert.Equal(15, RejectedRows(report));
        Assert.Equal(585, report.Imported);
        Assert.Equal(0, report.AlreadyImported);
        Assert.Equal(report.EventsWritten, await Fixture.EventCountAsync());
        Assert.Equal(585, await Scalar("select count(*) from assetledger.mt_doc_asset where tenant_id = 'NL'"));
        Assert.Equal(report.CasesCreated, await Scalar("select count(*) from assetledger.mt_doc_casereference where tenant_id = 'NL'"));

        // Every event says where it comes from, and who imported it.
        var sha = LegacyImporter.Sha256Of(file);
        Assert.Equal(report.EventsWritten, await Scalar(
            "select count(*) from assetledger.mt_events where tenant_id = 'NL' and headers->>'basis' = 'legacy_import' and headers->>'sourceSha256' = $1 " +
            "and (headers->>'sourceRow')::int between 1 and 600 and headers->>'actorId' = 'u-import' and headers->>'actorRole' = 'admin' and user_name = 'u-import'", sha));
        Assert.Equal(0, await Scalar("select count(*) from assetledger.mt_events where headers->>'sourceRow' = any($1)",
            (object)report.Rejected.Select(r => r.Row.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()));

        // The chain holds, and covers the provenance: a changed row number is found.
        var verifier = Fixture.Host.Services.GetRequiredService<AuditVerifier>();
        Assert.Empty((await verifier.VerifyAsync("NL", null, CancellationToken.None)).Broken);
        var tampered = await Scalar(
            "with e as (select seq_id, stream_id from assetledger.mt_events where tenant_id = 'NL' and version = 2 order by seq_id limit 1) " +
            "update assetledger.mt_events m set headers = jsonb_set(m.headers, '{sourceRow}', '\"9999\"') from e where m.seq_id = e.seq_id returning 1");
        Assert.Equal(1, tampered);
        Assert.Single((await verifier.VerifyAsync("NL", null, CancellationToken.None)).Broken, b => b.Version == 2 && b.Reason == "hash mismatch");
    }

    [Fact]
    public async Task the_documents_are_those_the_inline_projections_and_a_rebuild_write()
    {
        await Importer_(assetsPerBatch: 100).ImportAsync("NL", Register(300), Importer, null, CancellationToken.None);
        var imported = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        await ProjectionRebuilder.RebuildAsync(Fixture.Host.Services.GetRequiredService<NpgsqlDataSource>(), Fixture.Store, CancellationToken.None);
        var rebuilt = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);
        foreach (var table in ProjectionRebuilder.Tables) Assert.Equal(rebuilt[table], imported[table]);
        Assert.Equal(300, imported["mt_doc_asset"].Count);
    }

    [Fact]
    public async Task an_imported_asset_is_read_and_commanded_through_the_api_like_any_other()
    {
        var register = new RegisterGenerator(200, 9, "NL");
        await Importer_().ImportAsync("NL", Encoding.UTF8.GetBytes(register.ToCsv()), Importer, null, CancellationToken.None);
        var seized = register.Rows().First(r => r[LegacyRegister.Status] == "seized");
        var id = LegacyIds.Asset("NL", seized[LegacyRegister.CaseReference], seized[LegacyRegister.AssetRef]);

        var asset = await Client.Get($"/api/assets/{id}", Tokens.Investigator);
        Assert.True(asset.Status == HttpStatusCode.OK, asset.ToString());
        Assert.Equal("seized", asset.Str("status"));
        var version = asset["version"].GetInt64();
        await Client.Value(id, "777.00").Ok();
        var after = await Client.Get($"/api/assets/{id}", Tokens.Investigator);
        Assert.Equal(version + 1, after["version"].GetInt64());

        var cases = await Client.Get($"/api/cases?q={seized[LegacyRegister.CaseReference]}", Tokens.Investigator);
        Assert.True(cases.Status == HttpStatusCode.OK, cases.ToString());
        Assert.Equal(1, cases["total"].GetInt32());
        // The API's command continues the imported chain.
        Assert.Empty((await Fixture.Host.Services.GetRequiredService<AuditVerifier>().VerifyAsync("NL", null, CancellationToken.None)).Broken);
        // Another agency of NL does not see the imported case's asset (isolation holds for imported cases).
        var lead = seized[LegacyRegister.LeadAgency];
        var other = Tokens.For("investigator", "NL", lead == "OM" ? "FIOD" : "OM");
        if (seized.GetValueOrDefault(LegacyRegister.ParticipatingAgencies) is not ("OM" or "FIOD"))
            Assert.Equal(HttpStatusCode.NotFound, (await Client.Get($"/api/assets/{id}", other)).Status);
    }

    [Fact]
    public async Task importing_the_same_file_again_appends_nothing_and_reports_the_same_rejections()
    {
        var file = Register(400, invalidEvery: 25);
        var first = await Importer_().ImportAsync("NL", file, Importer, null, CancellationToken.None);
        var events = await Fixture.EventCountAsync();
        var documents = await FaultDatabase.DocumentsAsync(Fixture.ConnectionString);

        var second = await Importer_().ImportAsync("NL", file, Importer, null, CancellationToken.None);

        Assert.Equal((0, first.Imported, 0L, 0), (second.Imported, second.AlreadyImported, second.EventsWritten, second.CasesCreated));
        Assert.Equal(first.Rejected, second.Rejected);
        Assert.Equal(events, await Fixture.EventCountAsync());
        Assert.Equal(documents, await FaultDatabase.DocumentsAsync(Fixture.ConnectionString));
    }

    [Fact]
    public async Task an_import_stopped_halfway_completes_without_duplicates_when_run_again()
    {
        var file = Register(500, seed: 3);
        // The same file into another jurisdiction, uninterrupted: what NL must end with.
        var whole = await Importer_(assetsPerBatch: 50).ImportAsync("BE", file, Importer, null, CancellationToken.None);

        using var stop = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.RowsDone >= 150) stop.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Importer_(assetsPerBatch: 50).ImportAsync("NL", file, Importer, progress, stop.Token));
        var partial = await Scalar("select count(*) from assetledger.mt_events where tenant_id = 'NL'");
        Assert.InRange(partial, 1, whole.EventsWritten - 1);

        var rest = await Importer_(assetsPerBatch: 50).ImportAsync("NL", file, Importer, null, CancellationToken.None);

        Assert.Equal(500, rest.Imported + rest.AlreadyImported);
        Assert.InRange(rest.AlreadyImported, 150, 499);
        Assert.Equal(whole.EventsWritten, await Scalar("select count(*) from assetledger.mt_events where tenant_id = 'NL'"));
        Assert.Equal(partial + rest.EventsWritten, whole.EventsWritten);
        Assert.Equal(500, await Scalar("select count(*) from assetledger.mt_doc_asset where tenant_id = 'NL'"));
        Assert.Equal(0, await Scalar("select count(*) from (select stream_id, version from assetledger.mt_events group by tenant_id, stream_id, version having count(*) > 1) d"));
        Assert.Empty((await Fixture.Host.Services.GetRequiredService<AuditVerifier>().VerifyAsync("NL", null, CancellationToken.None)).Broken);
    }

    [Fact]
    public async Task a_case_already_in_the_ledger_is_not_added_to()
    {
        var register = new RegisterGenerator(40, 4, "NL");
        var taken = register.Rows().First()[LegacyRegister.CaseReference];
        var apiCase = await Client.OpenCase(taken);
        var before = await Scalar("select count(*) from assetledger.mt_events where stream_id = $1", apiCase);
        var rowsOfTaken = register.Rows().Count(r => r[LegacyRegister.CaseReference] == taken);

        var report = await Importer_().ImportAsync("NL", Encoding.UTF8.GetBytes(register.ToCsv()), Importer, null, CancellationToken.None);

        Assert.Equal(rowsOfTaken, report.Rejected.Count);
        Assert.All(report.Rejected, r => Assert.Equal(("case_reference", true), (r.Field, r.Reason.Contains("already in the ledger"))));
        Assert.Equal(40 - rowsOfTaken, report.Imported);
        Assert.Equal(before, await Scalar("select count(*) from assetledger.mt_events where stream_id = $1", apiCase));
    }

    [Fact]
    public async Task a_rejected_row_writes_nothing_of_itself_and_its_case_goes_on()
    {
        var header = string.Join(",", LegacyRegister.Columns);
        string Row(string assetRef, string status, string frozenOn) =>
            string.Join(",", LegacyRegister.Columns.Select(c => c switch
            {
                "case_reference" => "NL-LEG-X", "case_title" => "\"Operation \"\"Quay\"\", Rotterdam\"", "offences" => "migrant_smuggling", "lead_agency" => "FIOD",
                "case_opened_on" => "2024-01-10", "asset_ref" => assetRef, "kind" => "bank_account", "location" => "NL", "status" => status,
                "frozen_on" => frozenOn, "freeze_order_ref" => frozenOn.Length > 0 ? "RC-1" : "", _ => "",
            }));
        var csv = $"{header}\r\n{Row("A1", "frozen", "2024-02-01")}\r\n{Row("A2", "frozen", "")}\r\n";

        var report = await Importer_().ImportAsync("NL", Encoding.UTF8.GetBytes(csv), Importer, null, CancellationToken.None);

        Assert.Equal([new RowError(2, "status", "The dates given lead to status 'identified', not 'frozen'.")], report.Rejected);
        Assert.Equal(1, report.Imported);
        var a1 = LegacyIds.Asset("NL", "NL-LEG-X", "A1");
        var a2 = LegacyIds.Asset("NL", "NL-LEG-X", "A2");
        Assert.Equal(2, await Scalar("select count(*) from assetledger.mt_events where stream_id = $1", a1));
        Assert.Equal(0, await Scalar("select count(*) from assetledger.mt_streams where id = $1", a2));
        Assert.Equal(2, await Scalar("select count(*) from assetledger.mt_events where stream_id = $1", LegacyIds.Case("NL", "NL-LEG-X")));
        var title = await Client.Get($"/api/cases/{LegacyIds.Case("NL", "NL-LEG-X")}", Tokens.Investigator);
        Assert.Equal("Operation \"Quay\", Rotterdam", title.Str("title"));
        Assert.Equal("row,field,reason\n2,status,\"The dates given lead to status 'identified', not 'frozen'.\"\n", report.RejectedCsv());
    }

    [Theory]
    [InlineData("case_reference,title\r\nX,Y\r\n", "Unknown column(s): 'title'")]
    [InlineData("case_reference,asset_ref\r\nX,Y\r\n", "Missing required column(s): case_title, offences, lead_agency, case_opened_on, kind, location, status")]
    [InlineData("", "The file is empty")]
    public async Task a_file_that_is_not_a_register_is_refused_whole(string csv, string reason)
    {
        var ex = await Assert.ThrowsAsync<RegisterFileException>(() => Importer_().ImportAsync("NL", Encoding.UTF8.GetBytes(csv), Importer, null, CancellationToken.None));
        Assert.Contains(reason, ex.Message);
        Assert.Equal(0, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task broken_quoting_refuses_the_file_and_writes_nothing()
    {
        var csv = string.Join(",", LegacyRegister.Required) + "\r\n\"NL-1,unterminated\r\n";
        var ex = await Assert.ThrowsAsync<RegisterFileException>(() => Importer_().ImportAsync("NL", Encoding.UTF8.GetBytes(csv), Importer, null, CancellationToken.None));
        Assert.Contains("cannot be read", ex.Message);
        Assert.Equal(0, await Fixture.EventCountAsync());
    }
}
