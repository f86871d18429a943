using System.Net;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;
using static AssetLedger.Api.Tests.Infrastructure.Scenarios;

namespace AssetLedger.Api.Tests.History;

/// <summary>api.md: a case's history holds "any other stream that belongs to the case"; a certificate issued with the case's <c>caseId</c> is one.</summary>
public sealed class when_a_certificate_names_a_case(ApiFixture fixture) : ApiTest(fixture)
{
    private static object Certificate(Guid caseId) => new
    {
        certificateId = Guid.NewGuid(), kind = "confiscation", executingState = "DE", issuingAuthority = "Openbaar Ministerie Rotterdam",
        orderReference = "RTM-2026-0098", issuedOn = "2026-02-01", finalOn = "2026-02-20",
        amountForExecutingState = new { amount = "5000.00", currency = "EUR" }, offence = "trafficking_in_human_beings", caseId,
        issuerBank = new { iban = "NL91ABNA0417164300", bic = "ABNANL2A", accountHolder = "Ministerie van Justitie en Veiligheid" },
    };

    /// <summary>A certificate becomes part of the case it names, so the case must be one the prosecutor sees.</summary>
    [Fact]
    public async Task a_case_of_another_agency_or_no_case_is_a_400_and_appends_nothing()
    {
        var caseId = await Client.OpenCase();
        var before = await Fixture.EventCountAsync();

        var otherAgency = await Client.Post("/api/certificates", Certificate(caseId), Tokens.For("prosecutor", agency: "KMAR", sub: "u-kmar"));
        var noCase = await Client.Post("/api/certificates", Certificate(Guid.NewGuid()), Tokens.Prosecutor);

        foreach (var r in new[] { otherAgency, noCase })
        {
            Assert.Null(Security.Problem.Check(r, HttpStatusCode.BadRequest));
            Assert.Contains("caseId", Security.Problem.ErrorFields(r)!);
        }
        Assert.DoesNotContain("Lantern", otherAgency.Raw);
        Assert.Equal(before, await Fixture.EventCountAsync());
    }

    [Fact]
    public async Task its_events_are_in_the_case_history_and_its_chain_in_the_case_audit()
    {
        var caseId = await Client.OpenCase();
        var other = await Client.OpenCase("NL-2026-0777");
        var certificateId = Guid.NewGuid();
        var issued = await Client.Post("/api/certificates", new
        {
            certificateId, kind = "confiscation", executingState = "DE", issuingAuthority = "Openbaar Ministerie Rotterdam",
            orderReference = "RTM-2026-0099", issuedOn = "2026-02-01", finalOn = "2026-02-20",
            amountForExecutingState = new { amount = "5000.00", currency = "EUR" }, offence = "trafficking_in_human_beings", caseId,
            issuerBank = new { iban = "NL91ABNA0417164300", bic = "ABNANL2A", accountHolder = "Ministerie van Justitie en Veiligheid" },
        }, Tokens.Prosecutor);
        Assert.True(issued.Status == HttpStatusCode.Created, issued.ToString());

        var history = (await Client.Get($"/api/cases/{caseId}/history", Tokens.Auditor).Ok()).Json.EnumerateArray().ToList();
        var otherHistory = (await Client.Get($"/api/cases/{other}/history", Tokens.Auditor).Ok()).Json.EnumerateArray().ToList();
        var audit = await Client.Get($"/api/audit/verify?caseId={caseId}", Tokens.Auditor).Ok();

        var entry = Assert.Single(history, e => e.GetProperty("streamId").GetGuid() == certificateId);
        Assert.Equal("certificate_issued", entry.GetProperty("type").GetString());
        Assert.DoesNotContain(otherHistory, e => e.GetProperty("streamId").GetGuid() == certificateId);
        // The case's stream and the certificate's: every event of the history checked, none broken.
        Assert.Equal(2, audit["streamsChecked"].GetInt32());
        Assert.Equal(history.Count, audit["eventsChecked"].GetInt64());
        Assert.Empty(audit["broken"].EnumerateArray());
    }
}
