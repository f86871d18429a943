using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AssetLedger.Core.Money;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace AssetLedger.Api.Infrastructure;

/// <summary>JSON as the API speaks it: camelCase, enums in lower snake_case, money amounts as strings.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        o.Converters.Add(new MoneyJsonConverter());
        IsoTime.AddConverters(o);
        o.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        Polymorphism.Configure(o);
        return o;
    }
}

/// <summary>Writes <c>{ "amount": "250000.00", "currency": "EUR" }</c> with exactly the minor-unit decimals.</summary>
public sealed class MoneyJsonConverter : JsonConverter<Money>
{
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        var currency = root.GetProperty("currency").GetString() ?? throw new JsonException("currency");
        var amount = root.GetProperty("amount");
        var value = amount.ValueKind == JsonValueKind.String
            ? decimal.Parse(amount.GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture)
            : amount.GetDecimal();
        return new Money(value, currency);
    }

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("amount", value.FormatAmount());
        writer.WriteString("currency", value.Currency);
        writer.WriteEndObject();
    }
}
