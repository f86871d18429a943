using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AssetLedger.Assets;
using AssetLedger.Cases;
using AssetLedger.Core.Identifiers;
using AssetLedger.Core.Money;
using NodaTime;
using NodaTime.Text;

namespace AssetLedger.Import;

/// <summary>Why one row of a legacy register was not imported: its 1-based data row number, the column, the reason.</summary>
public sealed record RowError(int Row, string Field, string Reason);

/// <summary>The case a row belongs to, as the register states it (every row of one case must state the same).</summary>
public sealed record LegacyCase(
    string Reference, string Title, IReadOnlyList<Offence> Offences, string LeadAgency, IReadOnlyList<string> ParticipatingAgencies, LocalDate OpenedOn)
{
    public string Key => Case.ReferenceKey(Reference);

    /// <summary>The first column in which <paramref name="other"/> states the case differently, or null.</summary>
    public string? DifferingColumn(LegacyCase other) =>
        Title != other.Title ? LegacyRegister.CaseTitle
        : !Offences.SequenceEqual(other.Offences) ? LegacyRegister.Offences
        : LeadAgency != other.LeadAgency ? LegacyRegister.LeadAgency
        : !ParticipatingAgencies.SequenceEqual(other.ParticipatingAgencies) ? LegacyRegister.ParticipatingAgencies
        : OpenedOn != other.OpenedOn ? LegacyRegister.CaseOpenedOn
        : null;
}

/// <summary>One lifecycle step a row implies: the command the API would have received, on its date, and the column that dates it.</summary>
public sealed record LegacyStep(LocalDate On, int Rank, string Column, AssetCommand Command);

/// <summary>One asset of a legacy register with the steps of its history, ready for the lifecycle decider.</summary>
public sealed record LegacyRow(
    int Number, LegacyCase Case, string AssetRef, AssetKind Kind, string? Description, IReadOnlyDictionary<string, string> Identifiers,
    string Location, string? Holder, AssetStatus Status, IReadOnlyList<LegacyStep> Steps);

/// <summary>
/// The CSV format of a legacy register (docs/import.md): one row per asset, its case, and the dates,
/// order references and amounts of the status it reached. <see cref="Parse"/> turns one row's fields
/// into a <see cref="LegacyRow"/> or the reasons it cannot be one; it checks shape only, the
/// lifecycle decider decides whether the history is legal.
/// </summary>
public static class LegacyRegister
{
    public const string CaseReference = "case_reference", CaseTitle = "case_title", Offences = "offences", LeadAgency = "lead_agency",
        ParticipatingAgencies = "participating_agencies", CaseOpenedOn = "case_opened_on",
        AssetRef = "asset_ref", Kind = "kind", Description = "description", Identifiers = "identifiers", Location = "location", Holder = "holder",
        Status = "status", Currency = "currency",
        ValueAmount = "value_amount", ValuationMethod = "valuation_method", Valuer = "valuer", ValuedOn = "valued_on",
        FrozenOn = "frozen_on", FreezeOrderRef = "freeze_order_ref", FrozenAmount = "frozen_amount",
        SeizedOn = "seized_on", Custodian = "custodian", CustodyLocation = "custody_location", SealNumber = "seal_number",
        ConfiscationOrderRef = "confiscation_order_ref", ConfiscationCourt = "confiscation_court", ConfiscationOrderedOn = "confiscation_ordered_on",
        AppealLodgedOn = "appeal_lodged_on", FinalOn = "final_on",
        RealisedOn = "realised_on", RealisationMethod = "realisation_method", Gross = "gross", Costs = "costs", ReturnedToOwner = "returned_to_owner",
        ReleasedOn = "released_on", ReleaseReason = "release_reason", DisposedOn = "disposed_on", DisposalMethod = "disposal_method", Note = "note";

    /// <summary>Every column of the format, in the order the generator writes them.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        CaseReference, CaseTitle, Offences, LeadAgency, ParticipatingAgencies, CaseOpenedOn,
        AssetRef, Kind, Description, Identifiers, Location, Holder, Status, Currency,
        ValueAmount, ValuationMethod, Valuer, ValuedOn,
        FrozenOn, FreezeOrderRef, FrozenAmount,
        SeizedOn, Custodian, CustodyLocation, SealNumber,
        ConfiscationOrderRef, ConfiscationCourt, ConfiscationOrderedOn, AppealLodgedOn, FinalOn,
        RealisedOn, RealisationMethod, Gross, Costs, ReturnedToOwner,
        ReleasedOn, ReleaseReason, DisposedOn, DisposalMethod, Note,
    ];

    /// <summary>The columns a file must have (the others may be left out).</summary>
    public static readonly IReadOnlyList<string> Required = [CaseReference, CaseTitle, Offences, LeadAgency, CaseOpenedOn, AssetRef, Kind, Location, Status];

    private const int ShortText = 200, LongText = 2000, Code = 64;

    /// <summary>
    /// One data row (1-based <paramref name="number"/>) read through <paramref name="field"/> (null or
    /// empty: not given). Dates are local dates of <paramref name="jurisdiction"/>'s calendar (<paramref name="zone"/>);
    /// an event that needs an instant takes the start of that day there.
    /// </summary>
    public static LegacyRow? Parse(int number, Func<string, string?> field, string jurisdiction, DateTimeZone zone, List<RowError> errors)
    {
        var before = errors.Count;
        var p = new RowParser(number, field, errors);

        var reference = p.Text(CaseReference, true, Code);
        var title = p.Text(CaseTitle, true, ShortText);
        var offences = p.List(Offences, true, s => p.TryEnum<Offence>(s, out _), s => { p.TryEnum<Offence>(s, out var o); return o; })?.Distinct().ToList();
        var lead = p.Agency(LeadAgency, true);
        var participating = p.List(ParticipatingAgencies, false, s => s.Length <= Code && !s.Contains('|') && !Naming.HasForbiddenControl(s), s => s)?.Distinct().ToList() ?? [];
        var openedOn = p.Date(CaseOpenedOn, true);

        var assetRef = p.Text(AssetRef, true, Code);
        var kind = p.Enum<AssetKind>(Kind, true);
        var description = p.Text(Description, false, LongText);
        var identifiers = p.Identifiers();
        var location = p.Country(Location, true);
        var holder = p.Text(Holder, false, ShortText);
        var status = p.Enum<AssetStatus>(Status, true);
        var currency = p.Currency();
        var note = p.Text(Note, false, LongText);

        var steps = new List<LegacyStep>();
        Instant AtStart(LocalDate d) => d.AtStartOfDayInZone(zone).ToInstant();

        // Rank orders the steps of one day the way the lifecycle goes (a valuation first, as it may come in any status).
        if (p.Date(ValuedOn, false) is { } valuedOn)
        {
            var value = p.Money(ValueAmount, true, currency);
            var method = p.Enum<ValuationMethod>(ValuationMethod, true);
            var valuer = p.Text(Valuer, true, ShortText);
            if (value is { } v && method is { } m && valuer is not null)
                steps.Add(new LegacyStep(valuedOn, 0, ValuedOn, new RecordValuation(v, m, valuer, valuedOn, null)));
        }
        else p.NotWithout(ValuedOn, ValueAmount, ValuationMethod, Valuer);

        if (p.Date(FrozenOn, false) is { } frozenOn)
        {
            var order = p.Text(FreezeOrderRef, true, Code);
            var amount = p.Money(FrozenAmount, false, currency);
            if (order is not null)
                steps.Add(new LegacyStep(frozenOn, 1, FrozenOn, new Freeze(order, AtStart(frozenOn), amount, null)));
        }
        else p.NotWithout(FrozenOn, FreezeOrderRef, FrozenAmount);

        if (p.Date(SeizedOn, false) is { } seizedOn)
        {
            var custodian = p.Text(Custodian, true, ShortText);
            var custody = p.Text(CustodyLocation, true, ShortText);
            var seal = p.Text(SealNumber, false, Code);
            if (custodian is not null && custody is not null)
                steps.Add(new LegacyStep(seizedOn, 2, SeizedOn, new Seize(custodian, custody, AtStart(seizedOn), seal)));
        }
        else p.NotWithout(SeizedOn, Custodian, CustodyLocation, SealNumber);

        Guid? orderId = null;
        if (p.Date(ConfiscationOrderedOn, false) is { } orderedOn)
        {
            var orderRef = p.Text(ConfiscationOrderRef, true, Code);
            var court = p.Text(ConfiscationCourt, true, ShortText);
            if (orderRef is not null && court is not null && reference is not null)
            {
                orderId = LegacyIds.Order(jurisdiction, reference, orderRef);
                steps.Add(new LegacyStep(orderedOn, 3, ConfiscationOrderedOn,
                    new RecordOrder(new CourtOrder(orderId.Value, OrderType.Confiscation, court, orderRef, orderedOn, null, null, null, []))));
            }
        }
        else p.NotWithout(ConfiscationOrderedOn, ConfiscationOrderRef, ConfiscationCourt);

        // Steps that need the confiscation order say so on their own column when it is missing.
        if (p.Date(AppealLodgedOn, false) is { } lodgedOn)
        {
            if (orderId is { } id) steps.Add(new LegacyStep(lodgedOn, 4, AppealLodgedOn, new LodgeAppeal(id, lodgedOn)));
            else p.Fail(AppealLodgedOn, $"An appeal needs the confiscation order ({ConfiscationOrderedOn}, {ConfiscationOrderRef}, {ConfiscationCourt}).");
        }
        if (p.Date(FinalOn, false) is { } finalOn)
        {
            if (orderId is { } id) steps.Add(new LegacyStep(finalOn, 5, FinalOn, new RecordFinality(id, finalOn)));
            else p.Fail(FinalOn, $"Finality needs the confiscation order ({ConfiscationOrderedOn}, {ConfiscationOrderRef}, {ConfiscationCourt}).");
        }

        if (p.Date(RealisedOn, false) is { } realisedOn)
        {
            var method = p.Enum<RealisationMethod>(RealisationMethod, true);
            var gross = p.Money(Gross, true, currency);
            var costs = p.Money(Costs, true, currency);
            var returned = p.Money(ReturnedToOwner, false, currency);
            if (gross is { } g && returned is { } r && r.Amount > g.Amount) p.Fail(ReturnedToOwner, "Must not be more than gross.");
            else if (method is { } m && gross is { } g2 && costs is { } c)
                steps.Add(new LegacyStep(realisedOn, 6, RealisedOn, new Realise(g2, c, m, realisedOn, returned)));
        }
        else p.NotWithout(RealisedOn, RealisationMethod, Gross, Costs, ReturnedToOwner);

        if (p.Date(ReleasedOn, false) is { } releasedOn)
        {
            var reason = p.Enum<ReleaseReason>(ReleaseReason, true);
            if (reason is { } r) steps.Add(new LegacyStep(releasedOn, 7, ReleasedOn, new ReleaseAsset(r, releasedOn, note)));
        }
        else p.NotWithout(ReleasedOn, ReleaseReason);

        if (p.Date(DisposedOn, false) is { } disposedOn)
        {
            var method = p.Enum<DisposalMethod>(DisposalMethod, true);
            if (method is { } m) steps.Add(new LegacyStep(disposedOn, 8, DisposedOn, new DisposeAsset(m, disposedOn, note)));
        }
        else p.NotWithout(DisposedOn, DisposalMethod);

        if (openedOn is { } opened)
            foreach (var s in steps.Where(s => s.On < opened))
                p.Fail(s.Column, $"Must not be before {CaseOpenedOn} ({opened:yyyy-MM-dd}).");

        if (errors.Count > before) return null;
        var @case = new LegacyCase(reference!, title!, offences!, lead!, participating, openedOn!.Value);
        return new LegacyRow(number, @case, assetRef!, kind!.Value, description, identifiers, location!, holder, status!.Value,
            steps.OrderBy(s => s.On).ThenBy(s => s.Rank).ToList());
    }

    /// <summary>Reads one row's fields, collecting every error (row, column, reason) rather than stopping at the first.</summary>
    private sealed class RowParser(int number, Func<string, string?> field, List<RowError> errors)
    {
        private string? currency;

        public void Fail(string column, string reason) => errors.Add(new RowError(number, column, reason));

        private string? Raw(string column) => field(column) is { } v && v.Trim() is { Length: > 0 } t ? t : null;

        public string? Text(string column, bool required, int max)
        {
            var v = Raw(column);
            if (v is null) { if (required) Fail(column, "Required."); return null; }
            if (v.Length > max) { Fail(column, $"At most {max} characters."); return null; }
            if (Naming.HasForbiddenControl(v)) { Fail(column, "Must not contain control characters."); return null; }
            return v;
        }

        public string? Agency(string column, bool required)
        {
            var v = Text(column, required, Code);
            if (v is not null && v.Contains('|')) { Fail(column, "Must be an agency code without '|'."); return null; }
            return v;
        }

        public string? Country(string column, bool required)
        {
            var v = Raw(column);
            if (v is null) { if (required) Fail(column, "Required."); return null; }
            if (!Countries.IsAlpha2(v)) { Fail(column, "Must be an ISO 3166-1 alpha-2 country code such as NL."); return null; }
            return v;
        }

        public LocalDate? Date(string column, bool required)
        {
            var v = Raw(column);
            if (v is null) { if (required) Fail(column, "Required."); return null; }
            var r = LocalDatePattern.Iso.Parse(v);
            if (!r.Success) { Fail(column, "Must be a date yyyy-MM-dd."); return null; }
            return r.Value;
        }

        public bool TryEnum<T>(string s, out T value) where T : struct, Enum => Naming.TryParseWire(s, out value);

        public T? Enum<T>(string column, bool required) where T : struct, Enum
        {
            var v = Raw(column);
            if (v is null) { if (required) Fail(column, "Required."); return null; }
            if (TryEnum<T>(v, out var e)) return e;
            Fail(column, $"Must be one of: {string.Join(", ", Naming.WireNames<T>().Keys)}.");
            return null;
        }

        /// <summary>A ';'-separated list; an item that is not <paramref name="valid"/> fails the column.</summary>
        public List<T>? List<T>(string column, bool required, Func<string, bool> valid, Func<string, T> convert)
        {
            var v = Raw(column);
            if (v is null) { if (required) Fail(column, "Required."); return null; }
            var items = new List<T>();
            foreach (var part in v.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (valid(part)) items.Add(convert(part));
                else { Fail(column, $"'{part}' is not a valid value."); return null; }
            }
            if (items.Count == 0 && required) { Fail(column, "Required."); return null; }
            return items;
        }

        public IReadOnlyDictionary<string, string> Identifiers()
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Raw(LegacyRegister.Identifiers) is not { } v) return map;
            foreach (var pair in v.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0 || eq == pair.Length - 1) { Fail(LegacyRegister.Identifiers, $"'{pair}' is not key=value."); continue; }
                map[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
            }
            if (map.Count > 20) Fail(LegacyRegister.Identifiers, "At most 20 identifiers.");
            foreach (var (key, message) in AssetIdentifiers.Validate(map)) Fail(LegacyRegister.Identifiers, $"{key}: {message}");
            return map;
        }

        public string? Currency()
        {
            var v = Raw(LegacyRegister.Currency);
            if (v is not null && !Currencies.TryGetMinorUnit(v, out _)) { Fail(LegacyRegister.Currency, "Must be an ISO 4217 currency code such as EUR."); return null; }
            return currency = v;
        }

        public Money? Money(string column, bool required, string? rowCurrency)
        {
            var v = Raw(column);
            if (v is null) { if (required) Fail(column, "Required."); return null; }
            if (!decimal.TryParse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            { Fail(column, "Must be a non-negative amount such as 1250.00 (a '.' for decimals, no thousands separator)."); return null; }
            if (rowCurrency is not { } cur)
            {
                // An invalid currency has its own error already.
                if (Raw(LegacyRegister.Currency) is null) Fail(LegacyRegister.Currency, $"Required with {column}.");
                return null;
            }
            if (!AssetLedger.Core.Money.Money.TryCreate(amount, cur, out var money, out var error)) { Fail(column, error!); return null; }
            return money;
        }

        /// <summary>Fields of a step given without the date that makes it one: the step is not taken, so they are errors.</summary>
        public void NotWithout(string dateColumn, params string[] columns)
        {
            foreach (var c in columns)
                if (Raw(c) is not null) Fail(c, $"Given without {dateColumn}.");
        }
    }
}

/// <summary>
/// Stable ids of what an import creates, from the jurisdiction and the register's own keys: the same
/// register imported twice names the same streams, which is how a re-run knows what is already there.
/// </summary>
public static class LegacyIds
{
    public static Guid Case(string jurisdiction, string reference) => Of($"case\n{jurisdiction}\n{Key(reference)}");

    public static Guid Asset(string jurisdiction, string caseReference, string assetRef) => Of($"asset\n{jurisdiction}\n{Key(caseReference)}\n{assetRef.Trim()}");

    public static Guid Order(string jurisdiction, string caseReference, string orderRef) => Of($"order\n{jurisdiction}\n{Key(caseReference)}\n{orderRef.Trim()}");

    /// <summary>The command id standing for one row of one file (the events' causation id).</summary>
    public static Guid Row(string fileSha256, int row) => Of($"row\n{fileSha256}\n{row.ToString(CultureInfo.InvariantCulture)}");

    private static string Key(string reference) => AssetLedger.Cases.Case.ReferenceKey(reference);

    /// <summary>A name-based UUID (version 8, RFC 9562): the first 16 bytes of SHA-256 over the name, with version and variant set.</summary>
    public static Guid Of(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("assetledger/legacy-import\n" + name), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
