namespace AssetLedger.Api.Assets.Orders;

/// <summary><c>POST /api/assets/{assetId}/orders</c>: a restraint, confiscation or release order of a court, counted on the order's own stream.</summary>
[AssetCommand("orders", "Record a court order", 5, Roles.Prosecutor)]
public sealed class RecordOrderSlice : IAssetCommandSlice
{
    public AssetCommand? Parse(Fields f) => ParseOrder(f) is { } order && f.Ok ? new RecordOrder(order) : null;

    private static CourtOrder? ParseOrder(Fields f)
    {
        var orderId = f.Id("orderId");
        var type = f.Enum<OrderType>("type", true);
        var court = f.Text("court", true);
        var reference = f.Text("reference", true, 64);
        var issuedOn = f.Date("issuedOn", true);
        var expiresOn = f.Date("expiresOn", false);
        var maxAmount = f.Money("maxAmount", false);
        var issuingState = f.Country("issuingState", false);
        var deadlines = f.Array("deadlines", false, 20, (e, name, parent) =>
        {
            if (e.ValueKind != System.Text.Json.JsonValueKind.Object) { parent.Fail(name, "Must be an object { \"kind\", \"due\" }."); return null; }
            var d = new Fields(e, name + ".");
            var kind = d.Text("kind", true, 64);
            var due = d.Date("due", true);
            if (kind is not null && !System.Text.RegularExpressions.Regex.IsMatch(kind, "^[a-z][a-z0-9_]*$"))
                d.Fail("kind", "Must be a lower snake_case word such as \"recognition\".");
            foreach (var (k, v) in d.Errors) parent.Fail(k, string.Join(" ", v));
            return d.Ok ? new OrderDeadline(kind!, due!.Value) : null;
        });
        if (issuedOn is { } i && expiresOn is { } x && x < i) f.Fail("expiresOn", "Must not be before issuedOn.");
        return f.Ok ? new CourtOrder(orderId!.Value, type!.Value, court!, reference!, issuedOn!.Value, expiresOn, maxAmount, issuingState, deadlines) : null;
    }
}
