using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AssetLedger.Benchmarks;

/// <summary>One line of the result table; also one entry of the JSON (<c>{ "P1": { "value", "baseline", "ratio", "unit", "p50_ms", "p99_ms", … } }</c>).</summary>
public sealed record Row(string Key, string Measure, double? Value, double? Baseline, string Unit, double? P50, double? P99, string Bar, bool? Meets)
{
    public double? Ratio => Value is { } v && Baseline is { } b && b > 0 ? v / b : null;
    public Dictionary<string, object?> Extra { get; } = new(StringComparer.Ordinal);
}

public sealed class Report
{
    public List<Row> Rows { get; } = [];
    public List<string> Notes { get; } = [];
    public Dictionary<string, object?> Meta { get; } = new(StringComparer.Ordinal);

    private static string F(double? v, int decimals = 1) =>
        v is not { } x || double.IsNaN(x) ? "—" : x.ToString(x >= 1000 ? "N0" : "N" + decimals, CultureInfo.InvariantCulture);

    public string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| id | measure | ours | raw | ratio | unit | p50 ms | p99 ms | bar (quality.md) | meets |");
        sb.AppendLine("|---|---|---:|---:|---:|---|---:|---:|---|---|");
        foreach (var r in Rows)
            sb.AppendLine($"| {r.Key} | {r.Measure} | {F(r.Value)} | {F(r.Baseline)} | {(r.Ratio is { } q ? q.ToString("0.000", CultureInfo.InvariantCulture) : "—")} | {r.Unit} | {F(r.P50, 2)} | {F(r.P99, 2)} | {r.Bar} | {(r.Meets is { } m ? (m ? "yes" : "no") : "—")} |");
        return sb.ToString();
    }

    public void WriteJson(string path)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        foreach (var r in Rows)
        {
            w.WriteStartObject(r.Key);
            Number(w, "value", r.Value);
            Number(w, "baseline", r.Baseline);
            Number(w, "ratio", r.Ratio);
            w.WriteString("unit", r.Unit);
            Number(w, "p50_ms", r.P50);
            Number(w, "p99_ms", r.P99);
            w.WriteString("measure", r.Measure);
            w.WriteString("bar", r.Bar);
            if (r.Meets is { } m) w.WriteBoolean("meets_bar", m); else w.WriteNull("meets_bar");
            foreach (var (k, v) in r.Extra) Value(w, k, v);
            w.WriteEndObject();
        }
        w.WriteStartObject("meta");
        foreach (var (k, v) in Meta) Value(w, k, v);
        w.WriteStartArray("notes");
        foreach (var n in Notes) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? v)
    {
        if (v is { } x && !double.IsNaN(x) && !double.IsInfinity(x)) w.WriteNumber(name, Math.Round(x, 3));
        else w.WriteNull(name);
    }

    private static void Value(Utf8JsonWriter w, string name, object? v)
    {
        switch (v)
        {
            case null: w.WriteNull(name); break;
            case bool b: w.WriteBoolean(name, b); break;
            case int i: w.WriteNumber(name, i); break;
            case long l: w.WriteNumber(name, l); break;
            case double d: Number(w, name, d); break;
            case double[] values:
                w.WriteStartArray(name);
                foreach (var x in values) w.WriteNumberValue(Math.Round(x, 3));
                w.WriteEndArray();
                break;
            default: w.WriteString(name, Convert.ToString(v, CultureInfo.InvariantCulture)); break;
        }
    }
}
