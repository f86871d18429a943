using System.Globalization;
using System.Text.Json;
using AssetLedger.Core.Money;
using NodaTime;
using NodaTime.Text;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// Reads a JSON object field by field, collecting every problem as <c>errors[field]</c> instead of
/// stopping at the first. Absent optional fields and explicit nulls are the same thing.
/// </summary>
public sealed class Fields(JsonElement root, string prefix = "")
{
    public const int ShortText = 200;
    public const int LongText = 4000;

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);
    public bool Ok => Errors.Count == 0;

    public static Fields? Object(JsonElement root, Dictionary<string, string[]> errors)
    {
        if (root.ValueKind == JsonValueKind.Object) return new Fields(root);
        errors[""] = ["The body must be a JSON object."];
        return null;
    }

    public void Fail(string field, string message)
    {
        var key = prefix + field;
        Errors[key] = Errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];
    }

    private JsonElement? Get(string name, bool required)
    {
        if (root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null) return v;
        if (required) Fail(name, "This field is required.");
        return null;
    }

    public bool Has(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>A nested optional object, read with its own field names prefixed (<c>parameters.x</c>); merge back with <see cref="Absorb"/>.</summary>
    public Fields? Nested(string name)
    {
        if (Get(name, false) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.Object) return new Fields(v, prefix + name + ".");
        Fail(name, "Must be an object.");
        return null;
    }

    public void Absorb(Fields inner)
    {
        foreach (var (k, v) in inner.Errors) Errors[k] = Errors.TryGetValue(k, out var existing) ? [.. existing, .. v] : v;
    }

    public string? Text(string name, bool required, int max = ShortText, int min = 1)
    {
        if (Get(name, required) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.String) { Fail(name, "Must be a string."); return null; }
        var s = v.GetString()!;
        if (s.Length < min) { Fail(name, min == 1 ? "Must not be empty." : $"Must be at least {min} characters."); return null; }
        if (s.Length > max) { Fail(name, $"Must be at most {max} characters."); return null; }
        if (TextRules.HasForbiddenControl(s)) { Fail(name, "Must not contain control characters other than tab, CR and LF."); return null; }
        if (string.IsNullOrWhiteSpace(s)) { Fail(name, "Must not be blank."); return null; }
        return s;
    }

    public Guid? Id(string name, bool required = true)
    {
        if (Get(name, required) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.String && Guid.TryParse(v.GetString(), out var g) && g != Guid.Empty) return g;
        Fail(name, "Must be a non-empty UUID.");
        return null;
    }

    public long? Long(string name, bool required = false, long min = 0)
    {
        if (Get(name, required) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= min) return n;
        Fail(name, $"Must be an integer ≥ {min}.");
        return null;
    }

    public bool? Bool(string name, bool required = false)
    {
        if (Get(name, required) is not { } v) return null;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
        Fail(name, "Must be true or false.");
        return null;
    }

    public decimal? Decimal(string name, bool required)
    {
        if (Get(name, required) is not { } v) return null;
        if (TextRules.TryDecimal(v, out var d)) return d;
        Fail(name, "Must be a decimal number (a JSON number or a string such as \"12.50\").");
        return null;
    }

    public Instant? Instant(string name, bool required)
    {
        if (Get(name, required) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.String && TextRules.TryInstant(v.GetString()!, out var i)) return i;
        Fail(name, "Must be a UTC ISO 8601 instant such as \"2026-03-14T16:00:00Z\".");
        return null;
    }

    public LocalDate? Date(string name, bool required)
    {
        if (Get(name, required) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.String && LocalDatePattern.Iso.Parse(v.GetString()!) is { Success: true } r) return r.Value;
        Fail(name, "Must be a date such as \"2026-03-14\".");
        return null;
    }

    public T? Enum<T>(string name, bool required) where T : struct, System.Enum
    {
        if (Get(name, required) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.String && TextRules.TryEnum<T>(v.GetString()!, out var e)) return e;
        Fail(name, $"Must be one of: {string.Join(", ", TextRules.EnumNames<T>())}.");
        return null;
    }

    public string? Country(string name, bool required)
    {
        if (Get(name, required) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.String && AssetLedger.Core.Identifiers.Countries.IsAlpha2(v.GetString())) return v.GetString();
        Fail(name, "Must be an ISO 3166-1 alpha-2 country code in upper case, such as \"NL\".");
        return null;
    }

    public Money? Money(string name, bool required, bool allowZero = true)
    {
        if (Get(name, required) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Object) { Fail(name, "Must be an object { \"amount\": \"12.50\", \"currency\": \"EUR\" }."); return null; }
        var inner = new Fields(v, prefix + name + ".");
        var amount = inner.Decimal("amount", true);
        var currency = inner.Text("currency", true, max: 3);
        foreach (var (k, msgs) in inner.Errors) Errors[k] = msgs;
        if (amount is null || currency is null) return null;
        if (amount < 0) { Fail(name + ".amount", "Must not be negative."); return null; }
        if (!allowZero && amount == 0) { Fail(name + ".amount", "Must be greater than zero."); return null; }
        if (!Core.Money.Money.TryCreate(amount.Value, currency, out var money, out var error))
        {
            Fail(name + (Currencies.TryGetMinorUnit(currency, out _) ? ".amount" : ".currency"), error!);
            return null;
        }
        return money;
    }

    public IReadOnlyList<T> Array<T>(string name, bool required, int maxItems, Func<JsonElement, string, Fields, T?> item)
    {
        if (Get(name, required) is not { } v) return [];
        if (v.ValueKind != JsonValueKind.Array) { Fail(name, "Must be an array."); return []; }
        if (v.GetArrayLength() > maxItems) { Fail(name, $"Must have at most {maxItems} items."); return []; }
        var list = new List<T>();
        var i = 0;
        foreach (var e in v.EnumerateArray())
        {
            if (item(e, $"{name}[{i}]", this) is { } x) list.Add(x);
            i++;
        }
        return list;
    }

    public IReadOnlyDictionary<string, string> StringMap(string name, int maxEntries)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Get(name, false) is not { } v) return map;
        if (v.ValueKind != JsonValueKind.Object) { Fail(name, "Must be an object of strings."); return map; }
        foreach (var p in v.EnumerateObject())
        {
            if (map.Count >= maxEntries) { Fail(name, $"Must have at most {maxEntries} entries."); break; }
            if (p.Value.ValueKind != JsonValueKind.String) { Fail($"{name}.{p.Name}", "Must be a string."); continue; }
            var s = p.Value.GetString()!;
            if (TextRules.HasForbiddenControl(s) || TextRules.HasForbiddenControl(p.Name)) { Fail($"{name}.{p.Name}", "Must not contain control characters."); continue; }
            map[p.Name] = s;
        }
        return map;
    }
}

public static class TextRules
{
    /// <summary>Unicode category Cc other than tab, CR and LF is refused; format characters are kept.</summary>
    public static bool HasForbiddenControl(string s) => AssetLedger.Assets.Naming.HasForbiddenControl(s);

    public static bool TryDecimal(JsonElement v, out decimal d)
    {
        d = 0;
        return v.ValueKind switch
        {
            JsonValueKind.Number => v.TryGetDecimal(out d) && IsExactly(v.GetRawText(), d),
            JsonValueKind.String => v.GetString() is { Length: > 0 and <= 40 } s
                && System.Text.RegularExpressions.Regex.IsMatch(s, @"^-?[0-9]+(\.[0-9]+)?$")
                && decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out d)
                && IsExactly(s, d),
            _ => false,
        };
    }

    /// <summary>
    /// Whether <paramref name="d"/> is the very number <paramref name="text"/> writes. .NET rounds a number
    /// with more significant digits than a decimal holds (about 28), so "10000.000000000000000000000000001"
    /// would otherwise come in as 10000 and pass every decimals check; such input is refused instead of
    /// rounded (domain.md, Money).
    /// </summary>
    public static bool IsExactly(string text, decimal d) =>
        Canonical(text, out var negative, out var digits, out var exponent)
        && Canonical(d.ToString(CultureInfo.InvariantCulture), out var dNegative, out var dDigits, out var dExponent)
        && digits == dDigits && (digits.Length == 0 || (exponent == dExponent && negative == dNegative));

    /// <summary>A number's text as sign, significant digits (no leading or trailing zeros; empty for zero) and the power of ten they are multiplied by.</summary>
    private static bool Canonical(string s, out bool negative, out string digits, out long exponent)
    {
        negative = s.StartsWith('-');
        var body = negative ? s.AsSpan(1) : s.AsSpan();
        exponent = 0;
        var e = body.IndexOfAny('e', 'E');
        if (e >= 0)
        {
            if (!long.TryParse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > 1_000_000)
            {
                digits = "";
                return false;
            }
            body = body[..e];
        }
        var dot = body.IndexOf('.');
        var all = dot < 0 ? body.ToString() : string.Concat(body[..dot], body[(dot + 1)..]);
        if (dot >= 0) exponent -= body.Length - dot - 1;
        var trimmed = all.TrimStart('0');
        var significant = trimmed.TrimEnd('0');
        exponent += trimmed.Length - significant.Length;
        digits = significant;
        return true;
    }

    private static readonly InstantPattern[] InstantPatterns = [InstantPattern.ExtendedIso, InstantPattern.General];

    public static bool TryInstant(string s, out Instant instant)
    {
        instant = default;
        if (!s.EndsWith('Z')) return false;
        foreach (var p in InstantPatterns)
            if (p.Parse(s) is { Success: true } r) { instant = r.Value; return true; }
        return false;
    }

    public static bool TryEnum<T>(string s, out T value) where T : struct, Enum => AssetLedger.Assets.Naming.TryParseWire(s, out value);

    public static IEnumerable<string> EnumNames<T>() where T : struct, Enum => AssetLedger.Assets.Naming.WireNames<T>().Keys;
}
