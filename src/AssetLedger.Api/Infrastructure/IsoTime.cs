using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using NodaTime.Text;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// The ISO text of instants and dates exactly as NodaTime's patterns write and read it
/// (<see cref="InstantPattern.ExtendedIso"/>: <c>2026-12-06T22:47:01.1234567Z</c>, the fraction
/// without trailing zeros and left out when zero; <see cref="LocalDatePattern.Iso"/>: <c>2026-12-06</c>),
/// without NodaTime's pattern engine for the form every stored event and document uses: years 1 to
/// 9999 in the ISO calendar. Anything else (other years, a comma before the fraction, a malformed
/// value) goes to NodaTime's own pattern, so the results, and the errors, are NodaTime's.
/// <para>
/// Why: parsing and formatting through the pattern engine cost about a sixth of the projection
/// rebuild's folding and up to a quarter of its document serialising (docs/benchmarks.md, "NodaTime's
/// text without the pattern engine"). Tests compare both ways with NodaTime's patterns on random values.
/// </para>
/// </summary>
public static class IsoTime
{
    /// <summary>The longest instant written here: <c>9999-12-31T23:59:59.999999999Z</c>.</summary>
    public const int MaxInstantLength = 30;

    /// <summary>The length of a date: <c>9999-12-31</c>.</summary>
    public const int DateLength = 10;

    private const long SecondsPerDay = 86_400;

    /// <summary>
    /// Puts the converters of <see cref="Instant"/> and <see cref="LocalDate"/> before those that
    /// <c>ConfigureForNodaTime</c> adds next (System.Text.Json takes the first that converts a type).
    /// </summary>
    public static void AddConverters(JsonSerializerOptions options)
    {
        options.Converters.Add(new IsoInstantConverter());
        options.Converters.Add(new IsoLocalDateConverter());
    }

    public static string Format(Instant instant)
    {
        Span<byte> text = stackalloc byte[MaxInstantLength];
        return TryFormat(instant, text, out var written) ? Encoding.ASCII.GetString(text[..written]) : InstantPattern.ExtendedIso.Format(instant);
    }

    /// <summary>The instant's text into <paramref name="utf8"/> (at least <see cref="MaxInstantLength"/> bytes), or false: a year outside 1–9999.</summary>
    public static bool TryFormat(Instant instant, Span<byte> utf8, out int written)
    {
        written = 0;
        var t = instant.InUtc().LocalDateTime;
        if (t.Year is < 1 or > 9999 || utf8.Length < MaxInstantLength) return false;
        WriteDate(utf8, t.Year, t.Month, t.Day);
        utf8[10] = (byte)'T';
        Write2(utf8[11..], t.Hour);
        utf8[13] = (byte)':';
        Write2(utf8[14..], t.Minute);
        utf8[16] = (byte)':';
        Write2(utf8[17..], t.Second);
        var at = 19;
        if (t.NanosecondOfSecond is var nanos and not 0)
        {
            utf8[at++] = (byte)'.';
            for (var divisor = 100_000_000; nanos > 0; divisor /= 10)
            {
                utf8[at++] = (byte)('0' + nanos / divisor);
                nanos %= divisor;
            }
        }
        utf8[at++] = (byte)'Z';
        written = at;
        return true;
    }

    /// <summary>The date's text into <paramref name="utf8"/> (at least <see cref="DateLength"/> bytes), or false: another calendar, or a year outside 1–9999.</summary>
    public static bool TryFormat(LocalDate date, Span<byte> utf8, out int written)
    {
        written = 0;
        if (date.Calendar != CalendarSystem.Iso || date.Year is < 1 or > 9999 || utf8.Length < DateLength) return false;
        WriteDate(utf8, date.Year, date.Month, date.Day);
        written = DateLength;
        return true;
    }

    /// <summary>NodaTime's <see cref="InstantPattern.ExtendedIso"/> parse of <paramref name="text"/>, the usual form without the pattern engine.</summary>
    public static ParseResult<Instant> ParseInstant(string text)
    {
        Span<byte> utf8 = stackalloc byte[MaxInstantLength];
        return text.Length <= MaxInstantLength && Ascii.FromUtf16(text, utf8, out var n) == System.Buffers.OperationStatus.Done
            && TryParseInstant(utf8[..n], out var value)
            ? ParseResult<Instant>.ForValue(value)
            : InstantPattern.ExtendedIso.Parse(text);
    }

    /// <summary>The usual form of an instant (<c>uuuu-MM-ddTHH:mm:ss[.f…]Z</c>, years 1–9999, one to nine fraction digits), or false: not that form.</summary>
    public static bool TryParseInstant(ReadOnlySpan<byte> utf8, out Instant value)
    {
        value = default;
        if (utf8.Length < 20 || utf8.Length > MaxInstantLength || utf8[^1] != 'Z' || !TryReadDate(utf8[..DateLength], out var year, out var month, out var day)
            || utf8[10] != 'T' || utf8[13] != ':' || utf8[16] != ':'
            || !TryRead2(utf8[11..], 23, out var hour) || !TryRead2(utf8[14..], 59, out var minute) || !TryRead2(utf8[17..], 59, out var second))
            return false;
        var nanos = 0;
        if (utf8.Length > 20)
        {
            // ".f" to ".fffffffff" between the seconds and the Z
            var fraction = utf8[20..^1];
            if (utf8[19] != '.' || fraction.Length is < 1 or > 9) return false;
            foreach (var c in fraction)
            {
                if (c is < (byte)'0' or > (byte)'9') return false;
                nanos = nanos * 10 + (c - '0');
            }
            for (var i = fraction.Length; i < 9; i++) nanos *= 10;
        }
        value = Instant.FromUnixTimeSeconds(DaysFromCivil(year, month, day) * SecondsPerDay + hour * 3600 + minute * 60 + second).PlusNanoseconds(nanos);
        return true;
    }

    /// <summary>The usual form of a date (<c>uuuu-MM-dd</c>, years 1–9999, a day that exists), or false.</summary>
    public static bool TryParseDate(ReadOnlySpan<byte> utf8, out LocalDate value)
    {
        value = default;
        if (!TryReadDate(utf8, out var year, out var month, out var day)) return false;
        value = new LocalDate(year, month, day);
        return true;
    }

    private static bool TryReadDate(ReadOnlySpan<byte> utf8, out int year, out int month, out int day)
    {
        year = month = day = 0;
        if (utf8.Length != DateLength || utf8[4] != '-' || utf8[7] != '-'
            || !TryRead2(utf8, 99, out var century) || !TryRead2(utf8[2..], 99, out var yearOfCentury)
            || !TryRead2(utf8[5..], 12, out month) || !TryRead2(utf8[8..], 31, out day))
            return false;
        year = century * 100 + yearOfCentury;
        return year >= 1 && month >= 1 && day >= 1 && day <= CalendarSystem.Iso.GetDaysInMonth(year, month);
    }

    /// <summary>Days from 1970-01-01 to a proleptic Gregorian date (the civil-from-days inverse, in eras of 400 years).</summary>
    private static long DaysFromCivil(int year, int month, int day)
    {
        var y = month <= 2 ? year - 1 : year;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yearOfEra = y - era * 400;
        var dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        var dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    private static void WriteDate(Span<byte> utf8, int year, int month, int day)
    {
        Write2(utf8, year / 100);
        Write2(utf8[2..], year % 100);
        utf8[4] = (byte)'-';
        Write2(utf8[5..], month);
        utf8[7] = (byte)'-';
        Write2(utf8[8..], day);
    }

    private static void Write2(Span<byte> utf8, int value)
    {
        utf8[0] = (byte)('0' + value / 10);
        utf8[1] = (byte)('0' + value % 10);
    }

    private static bool TryRead2(ReadOnlySpan<byte> utf8, int max, out int value)
    {
        value = 0;
        if (utf8[0] is < (byte)'0' or > (byte)'9' || utf8[1] is < (byte)'0' or > (byte)'9') return false;
        value = (utf8[0] - '0') * 10 + (utf8[1] - '0');
        return value <= max;
    }
}

/// <summary>
/// JSON for a NodaTime value as NodaTime's own converter (<paramref name="noda"/>) writes and reads it,
/// through <see cref="IsoTime"/>; whatever is not the usual form (including every error, and property
/// names) is NodaTime's converter's.
/// </summary>
public abstract class IsoTextConverter<T>(JsonConverter<T> noda, int maxLength) : JsonConverter<T> where T : struct
{
    protected abstract bool TryParse(ReadOnlySpan<byte> utf8, out T value);

    protected abstract bool TryFormat(T value, Span<byte> utf8, out int written);

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader is { TokenType: JsonTokenType.String, HasValueSequence: false, ValueIsEscaped: false } && TryParse(reader.ValueSpan, out var value)
            ? value
            : noda.Read(ref reader, typeToConvert, options);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        Span<byte> text = stackalloc byte[maxLength];
        if (TryFormat(value, text, out var written)) writer.WriteStringValue(text[..written]);
        else noda.Write(writer, value, options);
    }

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        noda.ReadAsPropertyName(ref reader, typeToConvert, options);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        noda.WriteAsPropertyName(writer, value, options);
}

/// <summary>JSON for <see cref="Instant"/> as NodaTime's converter writes it (<see cref="InstantPattern.ExtendedIso"/>).</summary>
public sealed class IsoInstantConverter() : IsoTextConverter<Instant>(NodaConverters.InstantConverter, IsoTime.MaxInstantLength)
{
    protected override bool TryParse(ReadOnlySpan<byte> utf8, out Instant value) => IsoTime.TryParseInstant(utf8, out value);

    protected override bool TryFormat(Instant value, Span<byte> utf8, out int written) => IsoTime.TryFormat(value, utf8, out written);
}

/// <summary>JSON for <see cref="LocalDate"/> as NodaTime's converter writes it (<see cref="LocalDatePattern.Iso"/>).</summary>
public sealed class IsoLocalDateConverter() : IsoTextConverter<LocalDate>(NodaConverters.LocalDateConverter, IsoTime.DateLength)
{
    protected override bool TryParse(ReadOnlySpan<byte> utf8, out LocalDate value) => IsoTime.TryParseDate(utf8, out value);

    protected override bool TryFormat(LocalDate value, Span<byte> utf8, out int written) => IsoTime.TryFormat(value, utf8, out written);
}
