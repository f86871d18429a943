using System.Text;
using System.Text.Json;
using AssetLedger.Api.Infrastructure;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using NodaTime.Text;

namespace AssetLedger.Api.Tests.Infrastructure;

/// <summary>
/// <see cref="IsoTime"/> and its JSON converters against NodaTime's own patterns and converters, which
/// are the specification: the same text for every value, the same value (or the same failure) for every text.
/// Pure: no database.
/// </summary>
public sealed class IsoTimeTests
{
    private static readonly Config Many = Config.QuickThrowOnFailure.WithMaxTest(20_000);

    private static readonly int MinDay = (int)(Instant.MinValue.ToUnixTimeSeconds() / 86_400);
    private static readonly int MaxDay = (int)(Instant.MaxValue.ToUnixTimeSeconds() / 86_400);

    /// <summary>Nanoseconds of a second as clocks give them: none, milliseconds, ticks, or any.</summary>
    private static readonly Gen<int> Nanos = Gen.OneOf(
        Gen.Constant(0), Gen.Choose(0, 999).Select(ms => ms * 1_000_000), Gen.Choose(0, 9_999_999).Select(t => t * 100), Gen.Choose(0, 999_999_999));

    /// <summary>Instants over NodaTime's whole range (negative years included) and, half of the time, around today.</summary>
    private static readonly Gen<Instant> Instants =
        from day in Gen.OneOf(Gen.Choose(MinDay, MaxDay), Gen.Choose(18_000, 22_000))
        from second in Gen.Choose(0, 86_399)
        from nanos in Nanos
        select Instant.FromUnixTimeSeconds((long)day * 86_400 + second).PlusNanoseconds(nanos);

    private static readonly Gen<LocalDate> Dates =
        Gen.OneOf(Gen.Choose(MinDay, MaxDay), Gen.Choose(18_000, 22_000)).Select(day => new LocalDate(1970, 1, 1).PlusDays(day));

    private static readonly JsonSerializerOptions NodaOnly = new JsonSerializerOptions().ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
    private static readonly JsonSerializerOptions Ours = CreateOurs();

    private static JsonSerializerOptions CreateOurs()
    {
        var o = new JsonSerializerOptions();
        IsoTime.AddConverters(o);
        return o.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
    }

    private sealed record Stamped(Instant At, Instant? Maybe, LocalDate On, LocalDate? MaybeOn);

    [Fact]
    public void an_instant_is_written_as_nodatime_writes_it()
    {
        Prop.ForAll(Instants.ToArbitrary(), i => IsoTime.Format(i) == InstantPattern.ExtendedIso.Format(i)).Check(Many);
        Assert.Equal("2026-12-06T22:47:01Z", IsoTime.Format(Instant.FromUtc(2026, 12, 6, 22, 47, 1)));
        Assert.Equal("2026-12-06T22:47:01.12Z", IsoTime.Format(Instant.FromUtc(2026, 12, 6, 22, 47, 1).PlusNanoseconds(120_000_000)));
        Assert.Equal("0001-01-01T00:00:00.000000001Z", IsoTime.Format(Instant.FromUtc(1, 1, 1, 0, 0).PlusNanoseconds(1)));
    }

    [Fact]
    public void an_instant_reads_back_from_its_text()
    {
        Prop.ForAll(Instants.ToArbitrary(), i =>
        {
            var text = InstantPattern.ExtendedIso.Format(i);
            var ours = IsoTime.ParseInstant(text);
            var fast = IsoTime.TryParseInstant(Encoding.ASCII.GetBytes(text), out var value);
            // The usual form is parsed without the pattern engine; other years go to it, and both give the value back.
            return ours.Success && ours.Value == i && fast == i.InUtc().Year is >= 1 and <= 9999 && (!fast || value == i);
        }).Check(Many);
    }

    [Fact]
    public void a_date_is_written_and_read_as_nodatime_does()
    {
        Prop.ForAll(Dates.ToArbitrary(), d =>
        {
            var text = LocalDatePattern.Iso.Format(d);
            var usual = d.Year is >= 1 and <= 9999;
            var written = new byte[IsoTime.DateLength];
            // The usual form is written and read without the pattern engine; other years are left to NodaTime.
            var formatted = IsoTime.TryFormat(d, written, out var length);
            var parsed = IsoTime.TryParseDate(Encoding.ASCII.GetBytes(text), out var value);
            return formatted == usual && parsed == usual
                && (!usual || (Encoding.ASCII.GetString(written, 0, length) == text && value == d));
        }).Check(Many);
    }

    [Theory]
    [InlineData("2026-12-06T22:47:01Z")]
    [InlineData("2026-12-06T22:47:01.5Z")]
    [InlineData("2026-12-06T22:47:01.123456789Z")]
    [InlineData("2024-02-29T00:00:00Z")]
    [InlineData("2026-02-29T00:00:00Z")] // no such day
    [InlineData("2026-04-31T00:00:00Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-00-01T00:00:00Z")]
    [InlineData("2026-12-00T00:00:00Z")]
    [InlineData("2026-12-06T24:00:00Z")]
    [InlineData("2026-12-06T23:60:00Z")]
    [InlineData("2026-12-06T23:59:60Z")]
    [InlineData("2026-12-06T22:47:01.Z")]
    [InlineData("2026-12-06T22:47:01.1234567890Z")]
    [InlineData("2026-12-06T22:47:01,5Z")] // NodaTime's ';' also reads a comma
    [InlineData("2026-12-06T22:47:01.5z")]
    [InlineData("2026-12-06 22:47:01Z")]
    [InlineData("2026-12-06T22:47:01+01:00")]
    [InlineData("2026-12-06T22:47Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("-0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.999999999Z")]
    [InlineData("+2026-12-06T22:47:01Z")]
    [InlineData(" 2026-12-06T22:47:01Z")]
    [InlineData("2026-12-06T22:47:01Z ")]
    [InlineData("2026-12-0６T22:47:01Z")] // a full-width digit
    [InlineData("")]
    public void any_instant_text_gives_what_nodatime_gives(string text) => AssertSameAsNoda(text);

    [Fact]
    public void a_mangled_instant_text_gives_what_nodatime_gives()
    {
        // One character of a valid text replaced, inserted or removed: the result (value or failure) is NodaTime's.
        var mangled =
            from i in Instants
            from edit in Gen.Choose(0, 2)
            from at in Gen.Choose(0, 29)
            from c in Gen.Elements("0123456789-:.,TZtz +é".ToCharArray())
            select Mangle(InstantPattern.ExtendedIso.Format(i), edit, at, c);
        Prop.ForAll(mangled.ToArbitrary(), text =>
        {
            var (ours, noda) = (IsoTime.ParseInstant(text), InstantPattern.ExtendedIso.Parse(text));
            return ours.Success == noda.Success && (!ours.Success || ours.Value == noda.Value);
        }).Check(Many);
    }

    [Fact]
    public void json_is_what_nodatimes_converters_write_and_read()
    {
        var stamped =
            from at in Instants
            from maybe in Gen.OneOf(Gen.Constant<Instant?>(null), Instants.Select(i => (Instant?)i))
            from date in Dates
            from maybeOn in Gen.OneOf(Gen.Constant<LocalDate?>(null), Dates.Select(d => (LocalDate?)d))
            select new Stamped(at, maybe, date, maybeOn);
        Prop.ForAll(stamped.ToArbitrary(), s =>
        {
            var json = JsonSerializer.Serialize(s, Ours);
            return json == JsonSerializer.Serialize(s, NodaOnly)
                && JsonSerializer.Deserialize<Stamped>(json, Ours) == s
                && JsonSerializer.Deserialize<Stamped>(json, NodaOnly) == s;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(5_000));
    }

    [Theory]
    [InlineData("""{"At":"2026-12-06T22:47:01\u002E5Z","Maybe":null,"On":"2026-12-06","MaybeOn":null}""")] // escaped: NodaTime reads it
    [InlineData("""{"At":"2026-12-06T22:47:01,5Z","Maybe":null,"On":"2026-12-06","MaybeOn":"2026-12-07"}""")]
    public void json_in_another_form_is_read_by_nodatime(string json) =>
        Assert.Equal(JsonSerializer.Deserialize<Stamped>(json, NodaOnly), JsonSerializer.Deserialize<Stamped>(json, Ours));

    [Theory]
    [InlineData("""{"At":"2026-02-30T00:00:00Z","Maybe":null,"On":"2026-12-06","MaybeOn":null}""")]
    [InlineData("""{"At":12,"Maybe":null,"On":"2026-12-06","MaybeOn":null}""")]
    [InlineData("""{"At":"2026-12-06T00:00:00Z","Maybe":null,"On":"2026-02-30","MaybeOn":null}""")]
    [InlineData("""{"At":"2026-12-06T00:00:00Z","Maybe":null,"On":true,"MaybeOn":null}""")]
    public void bad_json_fails_as_with_nodatime(string json)
    {
        var noda = Record.Exception(() => JsonSerializer.Deserialize<Stamped>(json, NodaOnly));
        var ours = Record.Exception(() => JsonSerializer.Deserialize<Stamped>(json, Ours));
        Assert.NotNull(noda);
        Assert.Equal(noda.GetType(), ours?.GetType());
        Assert.Equal(noda.Message, ours!.Message);
    }

    private static void AssertSameAsNoda(string text)
    {
        var noda = InstantPattern.ExtendedIso.Parse(text);
        var ours = IsoTime.ParseInstant(text);
        Assert.Equal(noda.Success, ours.Success);
        if (noda.Success) Assert.Equal(noda.Value, ours.Value);
        var fast = IsoTime.TryParseInstant(Encoding.UTF8.GetBytes(text), out var value);
        Assert.True(!fast || (noda.Success && value == noda.Value), $"the fast path read {text} as {value}; NodaTime: {(noda.Success ? noda.Value : "no value")}");
    }

    private static string Mangle(string text, int edit, int at, char c)
    {
        at = Math.Min(at, text.Length - 1);
        return edit switch
        {
            0 => text[..at] + c + text[(at + 1)..],
            1 => text.Insert(at, c.ToString()),
            _ => text.Remove(at, 1),
        };
    }
}
