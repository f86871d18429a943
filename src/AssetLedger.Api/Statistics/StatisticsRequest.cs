using AssetLedger.Statistics;
using NodaTime;
using NodaTime.Text;

namespace AssetLedger.Api.Statistics;

/// <summary>
/// The query of a statistics answer, as the API and the page take it: <c>from</c> and <c>to</c> (inclusive legal
/// dates, at most <see cref="MaxYears"/> years apart), <c>asOf</c> (an instant, default now) and <c>format</c>.
/// Every problem is a field error (400), never an exception.
/// </summary>
public static class StatisticsRequest
{
    public const int MaxYears = 10;

    public static StatisticsPeriod? Parse(string? from, string? to, string? asOf, DateTimeZone zone, Instant now, Dictionary<string, string[]> errors)
    {
        var f = Date(from, "from", errors);
        var t = Date(to, "to", errors);
        var at = now;
        if (!string.IsNullOrEmpty(asOf) && !TextRules.TryInstant(asOf, out at))
            errors["asOf"] = ["Must be a UTC instant such as 2026-12-04T12:00:00Z."];
        // Figures as of an instant still to come could change before it: not reproducible, so refused.
        else if (at > now)
            errors["asOf"] = ["Must not be in the future: the figures as of a later instant could still change."];
        if (f is { } a && t is { } b)
        {
            if (a > b) errors["to"] = ["Must not be before from."];
            else if (a.PlusYears(MaxYears) < b) errors["to"] = [$"The period may span at most {MaxYears} years."];
        }
        return errors.Count == 0 ? new StatisticsPeriod(f!.Value, t!.Value, at, zone) : null;
    }

    /// <summary>CSV when <c>format=csv</c>, or without a format when the client accepts text/csv; a bad format is a field error.</summary>
    public static bool WantsCsv(string? format, HttpRequest request, Dictionary<string, string[]> errors)
    {
        if (format is not null and not ("csv" or "json")) errors["format"] = ["Must be csv or json."];
        return format == "csv" || (format is null && request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase));
    }

    private static LocalDate? Date(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text)) { errors[field] = ["Required: a date such as 2026-01-01."]; return null; }
        if (text.Length == 10 && LocalDatePattern.Iso.Parse(text) is { Success: true } r) return r.Value;
        errors[field] = ["Must be a date such as 2026-01-01."];
        return null;
    }
}
