using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AssetLedger.Api.Tests.Infrastructure;

namespace AssetLedger.Api.Tests.Reliability;

/// <summary>Helpers shared by the reliability and history specifications.</summary>
public static class ReliabilityKit
{
    public const string CorrelationHeader = "X-Correlation-ID";

    /// <summary>A POST with an optional <c>X-Correlation-ID</c> (added as written, without validation).</summary>
    public static Task<Reply> PostWith(this Infrastructure.Api api, string url, object body, string token, string? correlationId = null) =>
        api.Send(HttpMethod.Post, url, token, Infrastructure.Api.Json(body), headers: correlationId is null ? null : [(CorrelationHeader, correlationId)]);

    /// <summary>
    /// Until a session waits for a lock that <paramref name="lockWait"/> (a condition on <c>pg_locks</c>)
    /// describes; <paramref name="waiter"/>, what should wait (<paramref name="what"/>), must not end first.
    /// </summary>
    public static async Task UntilALockWaitAsync(string connectionString, Task waiter, string what, string lockWait)
    {
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"select exists (select 1 from pg_locks where not granted and {lockWait})", conn);
        for (var i = 0; i < 500; i++)
        {
            if (waiter.IsCompleted) throw new InvalidOperationException($"{what} ended before it waited: {waiter.Exception?.GetBaseException().Message ?? "completed"}");
            if ((bool)(await cmd.ExecuteScalarAsync())!) return;
            await Task.Delay(10);
        }
        throw new TimeoutException($"{what} never waited for a lock ({lockWait}).");
    }

    public static string? CorrelationIdOf(Reply r) =>
        r.Headers.TryGetValues(CorrelationHeader, out var values) ? values.FirstOrDefault() : null;

    /// <summary>An RFC 9457 problem with the given status.</summary>
    public static void AssertProblem(Reply r, HttpStatusCode status)
    {
        Assert.True(r.Status == status, $"expected {(int)status}, got {r}");
        Assert.Equal("application/problem+json", r.ContentHeaders?.ContentType?.MediaType);
        Assert.Equal((int)status, r["status"].GetInt32());
        Assert.False(string.IsNullOrEmpty(r.Str("detail")), r.ToString());
    }

    public static IReadOnlyList<JsonElement> Entries(Reply history)
    {
        Assert.True(history.Status == HttpStatusCode.OK, history.ToString());
        Assert.Equal(JsonValueKind.Array, history.Json.ValueKind);
        return history.Json.EnumerateArray().ToList();
    }

    public static Guid? CommandIdOf(JsonElement entry) =>
        entry.GetProperty("commandId").ValueKind == JsonValueKind.String && Guid.TryParse(entry.GetProperty("commandId").GetString(), out var g) ? g : null;

    public static Guid StreamIdOf(JsonElement entry) => Guid.Parse(entry.GetProperty("streamId").GetString()!);

    /// <summary>Structural JSON equality: objects compared by property set (any order), arrays in order, scalars by kind and text.</summary>
    public static void AssertJsonEqual(JsonElement expected, JsonElement actual, string because = "")
    {
        var diff = FirstDifference(expected, actual, "$");
        Assert.True(diff is null, $"{because} JSON differs at {diff}\nexpected: {expected.GetRawText()}\nactual:   {actual.GetRawText()}");
    }

    public static string? FirstDifference(JsonElement a, JsonElement b, string path)
    {
        if (a.ValueKind != b.ValueKind) return $"{path} ({a.ValueKind} vs {b.ValueKind})";
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var pa = a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                var pb = b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                foreach (var name in pa.Keys.Union(pb.Keys).Order(StringComparer.Ordinal))
                {
                    if (!pa.TryGetValue(name, out var va)) return $"{path}.{name} (only in actual)";
                    if (!pb.TryGetValue(name, out var vb)) return $"{path}.{name} (only in expected)";
                    if (FirstDifference(va, vb, $"{path}.{name}") is { } d) return d;
                }
                return null;
            case JsonValueKind.Array:
                var ia = a.EnumerateArray().ToList();
                var ib = b.EnumerateArray().ToList();
                if (ia.Count != ib.Count) return $"{path} (length {ia.Count} vs {ib.Count})";
                for (var i = 0; i < ia.Count; i++)
                    if (FirstDifference(ia[i], ib[i], $"{path}[{i}]") is { } d) return d;
                return null;
            case JsonValueKind.String:
                return a.GetString() == b.GetString() ? null : $"{path} (\"{a.GetString()}\" vs \"{b.GetString()}\")";
            case JsonValueKind.Number:
                return a.GetRawText() == b.GetRawText() ? null : $"{path} ({a.GetRawText()} vs {b.GetRawText()})";
            default:
                return null;
        }
    }

    /// <summary>A copy of a JSON object without the named top-level properties.</summary>
    public static JsonElement Without(JsonElement obj, params string[] names)
    {
        var copy = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
            if (!names.Contains(p.Name)) copy[p.Name] = p.Value;
        return JsonSerializer.SerializeToElement(copy);
    }

    /// <summary>Every money object ({ amount, currency }) anywhere in a JSON value.</summary>
    public static IEnumerable<(string Path, JsonElement Money)> MoneyObjects(JsonElement e, string path = "$")
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                if (e.TryGetProperty("amount", out _) && e.TryGetProperty("currency", out _))
                    yield return (path, e);
                foreach (var p in e.EnumerateObject())
                    foreach (var m in MoneyObjects(p.Value, $"{path}.{p.Name}")) yield return m;
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                    foreach (var m in MoneyObjects(item, $"{path}[{i++}]")) yield return m;
                break;
        }
    }

    /// <summary>A JSON object body whose properties keep the order written; null values are sent as JSON null.</summary>
    public static Dictionary<string, object?> Body(params (string Name, object? Value)[] fields)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in fields) d[name] = value;
        return d;
    }

    public static Dictionary<string, object?> With(this Dictionary<string, object?> body, string name, object? value)
    {
        var copy = new Dictionary<string, object?>(body, StringComparer.Ordinal) { [name] = value };
        return copy;
    }

    public static Dictionary<string, object?> Omit(this Dictionary<string, object?> body, params string[] names)
    {
        var copy = new Dictionary<string, object?>(body, StringComparer.Ordinal);
        foreach (var n in names) copy.Remove(n);
        return copy;
    }
}
