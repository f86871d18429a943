using System.Text.Json;
using AssetLedger.Api.Cases;

namespace AssetLedger.Api.Web;

/// <summary>One line of a case's history as a person reads it: who, role, when, what, legal basis, details.</summary>
public sealed record TimelineEntry(HistoryEntry Entry, string Subject, string What, string? LegalBasis, string Details);

/// <summary>Reads history entries (GET /api/cases/{id}/history) into timeline lines; the legal basis is the order, reference or reason the event carries.</summary>
public static class Timeline
{
    public static IReadOnlyList<TimelineEntry> Of(IEnumerable<HistoryEntry> history, IReadOnlyCollection<Asset> assets, Func<Guid, string> caseLabel)
    {
        var orders = assets.SelectMany(a => a.Orders).GroupBy(o => o.Order.OrderId)
            .ToDictionary(g => g.Key, g => $"{Display.Words(g.First().Order.Type)} order {g.First().Order.Reference} ({g.First().Order.Court})");
        var labels = assets.ToDictionary(a => a.Id, Label);
        return history.Select(e => new TimelineEntry(e,
            e.StreamKind switch
            {
                "asset" => labels.GetValueOrDefault(e.StreamId, "asset " + Display.Short(e.StreamId)),
                "order" => orders.GetValueOrDefault(e.StreamId, "order " + Display.Short(e.StreamId)),
                "certificate" => "certificate " + Display.Short(e.StreamId),
                _ => caseLabel(e.StreamId),
            },
            Display.Words(e.Type), LegalBasis(e, orders), Details(e.Data))).ToList();
    }

    public static string Label(Asset a) => $"{Display.Words(a.Kind)}{(a.Description is { Length: > 0 } d ? " – " + d : "")}";

    private static string? LegalBasis(HistoryEntry e, IReadOnlyDictionary<Guid, string> orders)
    {
        var d = e.Data;
        if (d.ValueKind != JsonValueKind.Object) return null;
        if (Str(d, "orderReference") is { } reference) return $"order {reference}";
        if (d.TryGetProperty("order", out var order) && order.ValueKind == JsonValueKind.Object)
            return $"{Str(order, "type")?.Replace('_', ' ')} order {Str(order, "reference")} ({Str(order, "court")}, issued {Str(order, "issuedOn")})";
        if (Str(d, "orderId") is { } id && Guid.TryParse(id, out var orderId)) return orders.GetValueOrDefault(orderId, "order " + Display.Short(orderId));
        if (e.Type == "asset_released" && Str(d, "reason") is { } reason) return "reason: " + reason.Replace('_', ' ') + (Str(d, "note") is { } note ? $" ({note})" : "");
        if (e.Type == "case_closed" && Str(d, "reason") is { } closeReason) return "reason: " + closeReason;
        if (e.StreamKind == "certificate" && (d.TryGetProperty("grounds", out var grounds) || d.TryGetProperty("reason", out _)))
            return string.Join(" ", new[]
            {
                grounds.ValueKind == JsonValueKind.Array ? "grounds " + string.Join(", ", grounds.EnumerateArray().Select(g => g.GetString())) + ":" : null,
                Str(d, "reason"),
            }.Where(p => p is not null));
        if (e.Type == "victim_claim_registered" && Str(d, "basis") is { } basis) return basis;
        if (e.Type == "distribution_computed" && d.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
            return $"regime {Str(result, "regime")} ({Str(result, "ruleVersion")})";
        return null;
    }

    /// <summary>The event's own plain fields (amounts, dates, places), without ids and nested records.</summary>
    private static string Details(JsonElement d)
    {
        if (d.ValueKind != JsonValueKind.Object) return "";
        var parts = new List<string>();
        foreach (var p in d.EnumerateObject())
        {
            if (p.Name.EndsWith("Id", StringComparison.Ordinal) || p.Name is "orderReference" or "reason" or "basis" or "agencies" or "caseAgencies") continue;
            var text = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number => p.Value.GetRawText(),
                JsonValueKind.Object when Str(p.Value, "amount") is { } amount && Str(p.Value, "currency") is { } currency => $"{amount} {currency}",
                _ => null,
            };
            if (!string.IsNullOrEmpty(text)) parts.Add($"{Words(p.Name)}: {text.Replace('_', ' ')}");
        }
        return string.Join(" · ", parts);
    }

    private static string Words(string camel) => Naming.SnakeCase(camel).Replace('_', ' ');

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;
}
