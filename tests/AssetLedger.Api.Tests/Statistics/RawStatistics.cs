using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace AssetLedger.Api.Tests.Statistics;

/// <summary>A figure's value, or one group's: distinct items, amounts per currency, and a mean of days (one decimal).</summary>
public sealed record RawValue(int Count, IReadOnlyDictionary<string, decimal> Amounts, decimal? MeanDays)
{
    /// <summary>One comparable line: <c>count=2 EUR=1200.5 USD=3 meanDays=89.5</c> (amounts without trailing zeros).</summary>
    public override string ToString() =>
        string.Join(" ", new[] { $"count={Count}" }
            .Concat(Amounts.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value.ToString("0.############", CultureInfo.InvariantCulture)}"))
            .Concat(MeanDays is { } m ? [$"meanDays={m.ToString("F1", CultureInfo.InvariantCulture)}"] : []));
}

/// <summary>
/// The statutory statistics recomputed straight from the raw <c>mt_events</c> rows of one tenant, in SQL over
/// the jsonb <c>data</c> and <c>headers</c> columns, independently of the application's fold: a test oracle
/// for <c>GET /api/statistics</c> (docs/statistics.md has the definitions). Reusable for any database with the
/// service's schema, e.g. a large register imported through the legacy import:
/// <code>var raw = await RawStatistics.ComputeAsync(connectionString, "NL", from, to, asOf, "Europe/Amsterdam");
/// Assert.Equal(raw.Lines(), RawStatistics.LinesOf(apiJson));</code>
/// </summary>
public sealed class RawStatistics
{
    /// <summary>One fact that makes a figure count (the SQL's rows).</summary>
    public sealed record Row(string Figure, string Item, string? Currency, decimal? Amount, int? Days, string? AssetKind, string[] Offences, string? CertificateKind);

    public IReadOnlyList<Row> Rows { get; }

    private RawStatistics(IReadOnlyList<Row> rows) => Rows = rows;

    /// <param name="agency">null: every case of the tenant (treasury, auditor); else only the cases whose lead or participating agencies include it (a prosecutor).</param>
    public static async Task<RawStatistics> ComputeAsync(string connectionString, string tenant, DateOnly from, DateOnly to, DateTimeOffset asOf, string timeZone,
        string? agency = null, string schema = "assetledger")
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(Sql.Replace("{schema}", schema), conn) { CommandTimeout = 600 };
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        cmd.Parameters.AddWithValue("asOf", asOf.UtcDateTime);
        cmd.Parameters.AddWithValue("zone", timeZone);
        cmd.Parameters.Add(new NpgsqlParameter("agency", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)agency ?? DBNull.Value });
        var rows = new List<Row>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            rows.Add(new Row(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetDecimal(3),
                r.IsDBNull(4) ? null : r.GetInt32(4), r.IsDBNull(5) ? null : Snake(r.GetString(5)),
                r.IsDBNull(6) ? [] : r.GetFieldValue<string[]>(6).Select(Snake).Distinct().ToArray(), r.IsDBNull(7) ? null : Snake(r.GetString(7))));
        return new RawStatistics(rows);
    }

    /// <summary>The value of a figure (or of one group of it) over these rows.</summary>
    public RawValue Value(string figure, string? dimension = null, string? group = null)
    {
        var rows = Rows.Where(x => x.Figure == figure && (dimension is null || Groups(x).Contains((dimension, group!)))).ToList();
        var days = rows.Where(x => x.Days is not null).Select(x => (decimal)x.Days!.Value).ToList();
        return new RawValue(
            rows.Select(x => x.Item).Distinct().Count(),
            rows.Where(x => x.Amount is not null).GroupBy(x => x.Currency!).ToDictionary(g => g.Key, g => g.Sum(x => x.Amount!.Value)),
            MeanFigures.Contains(figure) && days.Count > 0 ? Math.Round(days.Sum() / days.Count, 1, MidpointRounding.AwayFromZero) : null);
    }

    /// <summary>The figures that are means of days (docs/statistics.md).</summary>
    public static readonly IReadOnlySet<string> MeanFigures = new HashSet<string> { "days_to_realisation", "incoming_execution_days" };

    private static IEnumerable<(string, string)> Groups(Row x)
    {
        if (x.AssetKind is not null) yield return ("asset_kind", x.AssetKind);
        foreach (var o in x.Offences) yield return ("offence", o);
        if (x.CertificateKind is not null) yield return ("certificate_kind", x.CertificateKind);
    }

    /// <summary>
    /// Every figure and group as comparable lines, <c>figure dimension group: value</c>, for the given figures (all
    /// of the API's answer); a figure with no rows still has its total line (count=0).
    /// </summary>
    public IReadOnlyList<string> Lines(IEnumerable<string> figures) =>
        figures.SelectMany(f => Rows.Where(x => x.Figure == f).SelectMany(Groups).Distinct()
                .Select(g => $"{f} {g.Item1} {g.Item2}: {Value(f, g.Item1, g.Item2)}")
                .Prepend($"{f} total: {Value(f)}"))
            .OrderBy(l => l, StringComparer.Ordinal).ToList();

    /// <summary>The same lines read from the JSON of <c>GET /api/statistics</c>.</summary>
    public static IReadOnlyList<string> LinesOf(JsonElement answer) =>
        answer.GetProperty("figures").EnumerateArray().SelectMany(f =>
        {
            var id = f.GetProperty("figure").GetString()!;
            return f.GetProperty("breakdown").EnumerateArray()
                .Select(g => $"{id} {g.GetProperty("dimension").GetString()} {g.GetProperty("group").GetString()}: {ValueOf(g)}")
                .Prepend($"{id} total: {ValueOf(f)}");
        }).OrderBy(l => l, StringComparer.Ordinal).ToList();

    public static RawValue ValueOf(JsonElement v) => new(
        v.GetProperty("count").GetInt32(),
        v.GetProperty("amounts").EnumerateArray().ToDictionary(m => m.GetProperty("currency").GetString()!,
            m => decimal.Parse(m.GetProperty("amount").GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture)),
        v.GetProperty("meanDays").ValueKind == JsonValueKind.String ? decimal.Parse(v.GetProperty("meanDays").GetString()!, CultureInfo.InvariantCulture) : null);

    /// <summary>The stored spelling of enums (PascalCase) as the API writes them (snake_case).</summary>
    private static string Snake(string pascal) => Regex.Replace(pascal, "(?<!^)([A-Z])", "_$1").ToLowerInvariant();

    // One statement: the tenant's events recorded at or before asOf (by the application's recordedAt header), the
    // visible cases, and one row per fact of every figure. Local dates are taken in the jurisdiction's zone.
    private const string Sql = """
        with ev as (
            select stream_id, version, type, data from {schema}.mt_events
            where tenant_id = @tenant and type <> 'tombstone' and (headers->>'recordedAt')::timestamptz <= @asOf
        ), cases as (
            select o.stream_id as case_id,
                   array(select jsonb_array_elements_text(o.data->'offences')) as offences,
                   array[o.data->>'leadAgency']
                     || array(select jsonb_array_elements_text(o.data->'participatingAgencies'))
                     || array(select a.data->>'agency' from ev a where a.stream_id = o.stream_id and a.type = 'participating_agency_added') as agencies
            from ev o where o.type = 'case_opened'
        ), visible as (
            select * from cases where @agency::text is null or @agency::text = any(agencies)
        ), assets as (
            select r.stream_id as asset_id, r.data->>'kind' as kind, v.offences
            from ev r join visible v on v.case_id = (r.data->>'caseId')::uuid where r.type = 'asset_registered'
        ), asset_ev as (
            select a.asset_id, a.kind, a.offences, e.version, e.type, e.data,
                   (select nullif(val.data->'value', 'null'::jsonb) from ev val
                     where val.stream_id = e.stream_id and val.type = 'asset_valued' and val.version < e.version
                     order by val.version desc limit 1) as valuation
            from ev e join assets a on a.asset_id = e.stream_id
            where e.type in ('asset_frozen', 'confiscation_ordered', 'confiscation_order_final', 'asset_realised')
        ), frozen as (
            select *, nullif(data->'amount', 'null'::jsonb) as amount from asset_ev
            where type = 'asset_frozen' and ((data->>'frozenAt')::timestamptz at time zone @zone)::date between @from and @to
        ), ordered as (
            select * from asset_ev where type = 'confiscation_ordered' and (data->'order'->>'issuedOn')::date between @from and @to
        ), final as (
            select * from asset_ev where type = 'confiscation_order_final' and (data->>'finalOn')::date between @from and @to
        ), realised as (
            select *, (data->>'realisedOn')::date as realised_on,
                   (select min(((r.data->>(case r.type when 'asset_frozen' then 'frozenAt' else 'seizedAt' end))::timestamptz at time zone @zone)::date)
                      from ev r where r.stream_id = asset_ev.asset_id and r.type in ('asset_frozen', 'asset_seized') and r.version < asset_ev.version) as first_restraint
            from asset_ev where type = 'asset_realised' and (data->>'realisedOn')::date between @from and @to
        ), victims as (
            select d.stream_id as case_id, v.offences, al->>'allocationId' as allocation_id, al->'allocation'->'amount' as amount
            from ev d join visible v on v.case_id = d.stream_id
                 cross join lateral jsonb_array_elements(d.data->'allocations') al
            where d.type = 'distribution_computed'
              and ((d.data->>'computedAt')::timestamptz at time zone @zone)::date between @from and @to
              and al->'allocation'->>'kind' = 'Victim' and (al->'allocation'->'amount'->>'amount')::numeric > 0
        ), certificates as (
            select f.stream_id, f.type = 'certificate_issued' as outgoing, f.data->>'kind' as kind
            from ev f
            where f.version = 1 and f.type in ('certificate_issued', 'certificate_received')
              and not exists (select 1 from cases c where c.case_id = (f.data->'details'->>'caseId')::uuid
                                and not exists (select 1 from visible v where v.case_id = c.case_id))
        ), steps as (
            select c.stream_id, c.outgoing, c.kind,
                   case e.type when 'certificate_issued' then 'issued' when 'certificate_received' then 'received'
                               when 'certificate_recognised' then 'recognised' when 'certificate_partly_refused' then 'partly_refused'
                               when 'certificate_refused' then 'refused' else 'executed' end as step,
                   ((coalesce(e.data->>'issuedAt', e.data->>'receivedAt', e.data->>'decidedAt', e.data->>'executedAt'))::timestamptz at time zone @zone)::date as d
            from certificates c join ev e on e.stream_id = c.stream_id
            where e.type in ('certificate_issued', 'certificate_received', 'certificate_recognised', 'certificate_partly_refused', 'certificate_refused', 'certificate_executed')
        )
        select 'assets_frozen', asset_id::text, null, null::numeric, null::int, kind, offences, null from frozen
        union all select 'freezing_orders', 'order:' || (data->>'orderReference'), null, null, null, kind, offences, null from frozen
        union all select 'value_frozen', asset_id::text, coalesce(amount, valuation)->>'currency', (coalesce(amount, valuation)->>'amount')::numeric, null, kind, offences, null
                  from frozen where coalesce(amount, valuation) is not null
        union all select 'frozen_without_estimate', asset_id::text, null, null, null, kind, offences, null from frozen where amount is null and valuation is null
        union all select 'confiscation_orders', data->'order'->>'orderId', null, null, null, kind, offences, null from ordered
        union all select 'assets_confiscation_ordered', asset_id::text, null, null, null, kind, offences, null from ordered
        union all select 'confiscation_orders_final', data->>'orderId', null, null, null, kind, offences, null from final
        union all select 'assets_confiscated', asset_id::text, null, null, null, kind, offences, null from final
        union all select 'value_confiscated', asset_id::text, valuation->>'currency', (valuation->>'amount')::numeric, null, kind, offences, null from final where valuation is not null
        union all select 'confiscated_without_estimate', asset_id::text, null, null, null, kind, offences, null from final where valuation is null
        union all select 'assets_realised', asset_id::text, null, null, null, kind, offences, null from realised
        union all select 'realised_gross', asset_id::text, data->'gross'->>'currency', (data->'gross'->>'amount')::numeric, null, kind, offences, null from realised
        union all select 'realised_costs', asset_id::text, data->'costs'->>'currency', (data->'costs'->>'amount')::numeric, null, kind, offences, null from realised
        union all select 'realised_returned_to_owner', asset_id::text, data->'returnedToOwner'->>'currency', (data->'returnedToOwner'->>'amount')::numeric, null, kind, offences, null from realised
        union all select 'realised_kept', asset_id::text, data->'gross'->>'currency',
                  (data->'gross'->>'amount')::numeric - (data->'returnedToOwner'->>'amount')::numeric, null, kind, offences, null from realised
        union all select 'days_to_realisation', asset_id::text, null, null, realised_on - first_restraint, kind, offences, null from realised where first_restraint is not null
        union all select distinct 'cases_paying_victims', case_id::text, null, null::numeric, null::int, null, offences, null from victims
        union all select 'paid_to_victims', allocation_id, amount->>'currency', (amount->>'amount')::numeric, null, null, offences, null from victims
        union all select 'certificates_' || case when outgoing then 'outgoing_' else 'incoming_' end || step, stream_id::text, null, null, null, null, null, kind
                  from steps where d between @from and @to
        union all select 'incoming_execution_days', x.stream_id::text, null, null, x.d - r.d, null, null, x.kind
                  from steps x join steps r on r.stream_id = x.stream_id and r.step = 'received'
                  where not x.outgoing and x.step = 'executed' and x.d between @from and @to
        """;
}
