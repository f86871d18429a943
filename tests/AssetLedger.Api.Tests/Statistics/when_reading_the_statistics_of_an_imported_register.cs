using System.Globalization;
using System.Text;
using AssetLedger.Api.Import;
using AssetLedger.Api.Tests.Infrastructure;
using AssetLedger.Import;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace AssetLedger.Api.Tests.Statistics;

/// <summary>
/// Issue 16's check: a generated register imported through the import, then every statistic checked
/// against <see cref="RawStatistics"/> (SQL over the raw event rows) and a few against the register's
/// own rows, a third source that neither the fold nor the SQL reads.
/// </summary>
public sealed class when_reading_the_statistics_of_an_imported_register(ApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task every_figure_equals_the_recomputation_from_the_raw_events_and_the_register()
    {
        var register = new RegisterGenerator(1_500, 16, "NL", InvalidEvery: 60);
        var report = await Fixture.Host.Services.GetRequiredService<LegacyImporter>().ImportAsync(
            "NL", Encoding.UTF8.GetBytes(register.ToCsv()), new ImportActor("u-import", "Importer", "admin", "ARO"), null, CancellationToken.None);
        Assert.Equal(1_475, report.Imported);
        Fixture.Clock.Advance(Duration.FromMinutes(1));
        var asOf = Fixture.Clock.GetCurrentInstant();
        const string period = "from=2024-01-01&to=2025-12-31";

        var answer = await Client.Get($"/api/statistics?{period}&asOf={asOf}", Tokens.Auditor).Ok();
        var raw = await RawStatistics.ComputeAsync(Fixture.ConnectionString, "NL", new DateOnly(2024, 1, 1), new DateOnly(2025, 12, 31),
            asOf.ToDateTimeOffset(), "Europe/Amsterdam");
        var figures = answer["figures"].EnumerateArray().Select(f => f.GetProperty("figure").GetString()!).ToList();
        Assert.Equal(raw.Lines(figures), RawStatistics.LinesOf(answer.Json));

        // The register's own rows, imported and realised in the period: the assets realised and their gross per currency.
        var rejected = report.Rejected.Select(r => r.Row).ToHashSet();
        var realised = register.Rows().Select((r, i) => (Row: r, Number: i + 1))
            .Where(x => !rejected.Contains(x.Number) && x.Row.TryGetValue(LegacyRegister.RealisedOn, out var on)
                && string.CompareOrdinal(on, "2024-01-01") >= 0 && string.CompareOrdinal(on, "2025-12-31") <= 0)
            .ToList();
        Assert.NotEmpty(realised);
        var figure = answer["figures"].EnumerateArray().Single(f => f.GetProperty("figure").GetString() == "realised_gross");
        Assert.Equal(realised.Count, figure.GetProperty("count").GetInt32());
        var gross = realised.GroupBy(x => x.Row[LegacyRegister.Currency])
            .ToDictionary(g => g.Key, g => g.Sum(x => decimal.Parse(x.Row[LegacyRegister.Gross], CultureInfo.InvariantCulture)));
        Assert.Equal(gross, RawStatistics.ValueOf(figure).Amounts);

        // Reproducible byte for byte.
        var again = await Client.Get($"/api/statistics?{period}&asOf={asOf}", Tokens.Auditor).Ok();
        Assert.Equal(answer.Raw, again.Raw);
    }
}
