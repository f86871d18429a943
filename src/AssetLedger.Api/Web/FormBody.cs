using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Text;

namespace AssetLedger.Api.Web;

/// <summary>
/// Turns a posted form into the JSON body the API's parsers read, so a form goes through exactly
/// the parsing and validation of its API route. Input names are JSON paths: <c>amount.amount</c>,
/// <c>deadlines[0].due</c>; <c>offences[]</c> collects every value, <c>participatingAgencies[,]</c>
/// splits one text on commas. Empty inputs are absent fields (an object or array element left
/// empty disappears), like an omitted optional field of the API. The only conversions are of form
/// to JSON: a local date-time input (names ending in <c>At</c>) becomes the UTC instant it denotes
/// in the jurisdiction's time zone, and the few integer and boolean fields become JSON numbers and
/// booleans when they read as such (otherwise they stay text and the parser says what is wrong).
/// </summary>
public static partial class FormBody
{
    private static readonly HashSet<string> Integers = new(StringComparer.Ordinal) { "expectedVersion", "priorityRank" };
    private static readonly HashSet<string> Booleans = new(StringComparer.Ordinal) { "deductCosts", "urgent", "victimRestitution" };
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { "__RequestVerificationToken", "action" };

    /// <summary>What a browser's datetime-local input sends: minutes, or seconds and fractions.</summary>
    private static readonly LocalDateTimePattern[] LocalInputs =
        [LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm"), LocalDateTimePattern.ExtendedIso];

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)(\[(?<index>[0-9]{1,3})\])?$")]
    private static partial Regex Segment();

    [GeneratedRegex(@"^-?[0-9]{1,18}$")]
    private static partial Regex Integer();

    public static Body From(IFormCollection form, DateTimeZone zone)
    {
        var root = new JsonObject();
        foreach (var (key, values) in form)
        {
            if (Skipped.Contains(key)) continue;
            if (key.EndsWith("[]", StringComparison.Ordinal))
                Set(root, key[..^2], Strings(values.Select(v => v ?? "")));
            else if (key.EndsWith("[,]", StringComparison.Ordinal))
                Set(root, key[..^3], Strings(values.SelectMany(v => (v ?? "").Split(','))));
            else if (values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) is { } value)
                Set(root, key, Leaf(key, value.Trim(), zone));
        }
        Prune(root);
        return new Body(JsonSerializer.SerializeToElement(root), null);
    }

    private static JsonArray? Strings(IEnumerable<string> values)
    {
        var items = values.Select(v => v.Trim()).Where(v => v.Length > 0).Select(v => (JsonNode?)JsonValue.Create(v)).ToArray();
        return items.Length == 0 ? null : new JsonArray(items);
    }

    private static JsonNode Leaf(string key, string value, DateTimeZone zone)
    {
        var name = key[(key.LastIndexOf('.') + 1)..];
        if (Integers.Contains(name) && Integer().IsMatch(value)) return JsonValue.Create(long.Parse(value, CultureInfo.InvariantCulture));
        if (Booleans.Contains(name) && bool.TryParse(value, out var b)) return JsonValue.Create(b);
        if (name.EndsWith("At", StringComparison.Ordinal) && LocalInputs.Select(p => p.Parse(value)).FirstOrDefault(r => r.Success) is { } local)
            return JsonValue.Create(InstantPattern.ExtendedIso.Format(local.Value.InZoneLeniently(zone).ToInstant()));
        return JsonValue.Create(value);
    }

    /// <summary>Places a value at a path such as <c>deadlines[0].due</c>; a malformed name is kept as a plain property (the parser ignores it).</summary>
    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        if (value is null) return;
        var segments = path.Split('.');
        JsonObject current = root;
        for (var i = 0; i < segments.Length; i++)
        {
            var m = Segment().Match(segments[i]);
            if (!m.Success) { root[path] = value; return; }
            var name = m.Groups["name"].Value;
            var last = i == segments.Length - 1;
            if (!m.Groups["index"].Success)
            {
                if (last) { current[name] = value; return; }
                current = current[name] as JsonObject ?? (JsonObject)(current[name] = new JsonObject());
                continue;
            }
            var index = int.Parse(m.Groups["index"].Value, CultureInfo.InvariantCulture);
            var array = current[name] as JsonArray ?? (JsonArray)(current[name] = new JsonArray());
            while (array.Count <= index) array.Add(new JsonObject());
            if (last) { array[index] = value; return; }
            current = array[index] as JsonObject ?? (JsonObject)(array[index] = new JsonObject());
        }
    }

    /// <summary>Drops objects and array elements that the form left empty, recursively.</summary>
    private static bool Prune(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                    if (Prune(o[key])) o.Remove(key);
                return o.Count == 0;
            case JsonArray a:
                for (var i = a.Count - 1; i >= 0; i--)
                    if (a[i] is JsonObject && Prune(a[i])) a.RemoveAt(i);
                return a.Count == 0;
            default:
                return node is null;
        }
    }
}
