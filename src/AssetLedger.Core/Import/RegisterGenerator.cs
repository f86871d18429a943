using System.Globalization;
using System.Text;
using NodaTime;

namespace AssetLedger.Import;

/// <summary>
/// A realistic legacy register for tests and the benchmark, the same for the same seed: cases of one to
/// six assets (accounts, cash, cars, property, crypto, …), each asset at a status reached through the
/// dates, order references and amounts a register would hold, mostly in euros. With
/// <paramref name="InvalidEvery"/> set, every n-th row carries one defect (an unknown kind, a bad
/// date, an amount with too many decimals, a status its dates do not reach, …) so that the rejection
/// report has something to say.
/// </summary>
public sealed record RegisterGenerator(int Assets, int Seed, string Jurisdiction = "NL", int InvalidEvery = 0)
{
    private static readonly string[] Statuses =
        ["identified", "frozen", "frozen", "seized", "seized", "confiscation_ordered", "under_appeal", "confiscated", "confiscated", "realised", "realised", "realised", "released", "disposed"];

    private static readonly (string Kind, string Description)[] Kinds =
    [
        ("bank_account", "Current account"), ("bank_account", "Savings account"), ("cash", "Cash found at the premises"),
        ("vehicle", "Car"), ("real_estate", "Apartment"), ("crypto", "Wallet"), ("goods", "Jewellery"), ("securities", "Shares"),
    ];

    private static readonly string[] Offences = ["trafficking_in_human_beings", "migrant_smuggling", "money_laundering", "other"];
    private static readonly string[] Agencies = ["FIOD", "KMAR", "POLITIE", "OM"];
    private static readonly string[] Currencies = ["EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "USD", "GBP"];

    /// <summary>The rows, each a map from column to value (absent or empty: not given).</summary>
    public IEnumerable<IReadOnlyDictionary<string, string>> Rows()
    {
        var random = new Random(Seed);
        var written = 0;
        var caseNumber = 0;
        while (written < Assets)
        {
            caseNumber++;
            var reference = $"{Jurisdiction}-LEG-{caseNumber:D6}";
            var opened = new LocalDate(2023, 1, 1).PlusDays(random.Next(0, 900));
            var offences = string.Join(";", Offences.Where((_, i) => i == 0 || random.Next(4) == 0).Take(1 + random.Next(2)).Distinct());
            var lead = Agencies[random.Next(Agencies.Length)];
            var participating = random.Next(3) == 0 ? Agencies[(Array.IndexOf(Agencies, lead) + 1) % Agencies.Length] : "";
            var assets = Math.Min(1 + random.Next(6), Assets - written);
            var orderRef = $"CO-{caseNumber:D6}";
            var orderedOn = opened.PlusDays(120 + random.Next(200));
            var finalOn = orderedOn.PlusDays(30 + random.Next(120));
            for (var a = 1; a <= assets; a++)
            {
                written++;
                var row = AssetRow(random, reference, opened, offences, lead, participating, a, orderRef, orderedOn, finalOn);
                if (InvalidEvery > 0 && written % InvalidEvery == 0) Spoil(row, random);
                yield return row;
            }
        }
    }

    private static Dictionary<string, string> AssetRow(Random random, string reference, LocalDate opened, string offences, string lead,
        string participating, int index, string orderRef, LocalDate orderedOn, LocalDate finalOn)
    {
        var (kind, description) = Kinds[random.Next(Kinds.Length)];
        var status = Statuses[random.Next(Statuses.Length)];
        var currency = Currencies[random.Next(Currencies.Length)];
        var value = Amount(random, kind);
        var row = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [LegacyRegister.CaseReference] = reference, [LegacyRegister.CaseTitle] = $"Legacy case {reference}",
            [LegacyRegister.Offences] = offences, [LegacyRegister.LeadAgency] = lead, [LegacyRegister.ParticipatingAgencies] = participating,
            [LegacyRegister.CaseOpenedOn] = Date(opened), [LegacyRegister.AssetRef] = $"A{index:D2}", [LegacyRegister.Kind] = kind,
            [LegacyRegister.Description] = description, [LegacyRegister.Location] = "NL", [LegacyRegister.Status] = status,
            [LegacyRegister.Currency] = currency,
        };
        if (kind == "bank_account") row[LegacyRegister.Holder] = $"Holder {random.Next(10_000):D4} B.V.";
        if (random.Next(3) > 0)
        {
            row[LegacyRegister.ValuedOn] = Date(opened.PlusDays(random.Next(1, 30)));
            row[LegacyRegister.ValueAmount] = Format(value);
            row[LegacyRegister.ValuationMethod] = kind is "bank_account" or "cash" ? "face_value" : "appraisal";
            row[LegacyRegister.Valuer] = "Legacy register";
        }
        var restrainedOn = opened.PlusDays(random.Next(30, 60));
        var seize = kind is not ("bank_account" or "real_estate" or "securities");
        if (status == "identified") return row;
        if (status == "released" && random.Next(3) == 0)
        {
            Release(row, random, restrainedOn.PlusDays(5));
            return row;
        }
        if (seize)
        {
            row[LegacyRegister.SeizedOn] = Date(restrainedOn);
            row[LegacyRegister.Custodian] = "Domeinen Roerende Zaken";
            row[LegacyRegister.CustodyLocation] = "Depot Utrecht";
            row[LegacyRegister.SealNumber] = $"S-{random.Next(100_000):D5}";
        }
        else
        {
            row[LegacyRegister.FrozenOn] = Date(restrainedOn);
            row[LegacyRegister.FreezeOrderRef] = $"RC-{random.Next(100_000):D5}";
            if (kind == "bank_account") row[LegacyRegister.FrozenAmount] = Format(value);
        }
        if (status == "frozen" && seize) row[LegacyRegister.Status] = "seized";
        if (status == "seized" && !seize) row[LegacyRegister.Status] = "frozen";
        if (status is "frozen" or "seized") return row;
        if (status == "released")
        {
            Release(row, random, restrainedOn.PlusDays(40));
            return row;
        }
        row[LegacyRegister.ConfiscationOrderRef] = orderRef;
        row[LegacyRegister.ConfiscationCourt] = "Rechtbank Amsterdam";
        row[LegacyRegister.ConfiscationOrderedOn] = Date(orderedOn);
        if (status == "confiscation_ordered") return row;
        if (status == "under_appeal")
        {
            row[LegacyRegister.AppealLodgedOn] = Date(orderedOn.PlusDays(10));
            return row;
        }
        row[LegacyRegister.FinalOn] = Date(finalOn);
        if (status == "confiscated") return row;
        if (status == "disposed")
        {
            row[LegacyRegister.DisposedOn] = Date(finalOn.PlusDays(20));
            row[LegacyRegister.DisposalMethod] = "destroyed";
            return row;
        }
        var gross = Math.Round(value * (0.6m + random.Next(0, 50) / 100m), 2);
        row[LegacyRegister.RealisedOn] = Date(finalOn.PlusDays(random.Next(10, 90)));
        row[LegacyRegister.RealisationMethod] = kind is "bank_account" or "cash" ? "funds_transfer" : "auction";
        row[LegacyRegister.Gross] = Format(gross);
        row[LegacyRegister.Costs] = Format(kind is "bank_account" or "cash" ? 0m : Math.Round(gross * 0.05m, 2));
        if (random.Next(10) == 0) row[LegacyRegister.ReturnedToOwner] = Format(Math.Round(gross / 10m, 2));
        return row;
    }

    private static void Release(Dictionary<string, string> row, Random random, LocalDate on)
    {
        row[LegacyRegister.ReleasedOn] = Date(on);
        row[LegacyRegister.ReleaseReason] = random.Next(2) == 0 ? "court_order" : "third_party_claim";
    }

    /// <summary>One defect of the kinds a hand-kept register has.</summary>
    private static void Spoil(Dictionary<string, string> row, Random random)
    {
        switch (random.Next(6))
        {
            case 0: row[LegacyRegister.Kind] = "horse"; break;
            case 1: row[LegacyRegister.CaseOpenedOn] = "31/02/2024"; break;
            case 2: row[LegacyRegister.ValuedOn] = row[LegacyRegister.CaseOpenedOn]; row[LegacyRegister.ValueAmount] = "1250.005"; row[LegacyRegister.ValuationMethod] = "appraisal"; row[LegacyRegister.Valuer] = "X"; break;
            case 3: row[LegacyRegister.Status] = row[LegacyRegister.Status] == "realised" ? "seized" : "realised"; break;
            case 4: row[LegacyRegister.Location] = "Netherlands"; break;
            default: row[LegacyRegister.Currency] = "EURO"; break;
        }
    }

    private static decimal Amount(Random random, string kind) => kind switch
    {
        "real_estate" => 150_000m + random.Next(0, 600_000),
        "vehicle" => 5_000m + random.Next(0, 80_000),
        "cash" => 500m + random.Next(0, 90_000) + random.Next(0, 100) / 100m,
        _ => 100m + random.Next(0, 250_000) + random.Next(0, 100) / 100m,
    };

    private static string Date(LocalDate d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Format(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The register as CSV (RFC 4180, a header row, every column of <see cref="LegacyRegister.Columns"/>).</summary>
    public void WriteCsv(TextWriter writer)
    {
        writer.Write(string.Join(",", LegacyRegister.Columns));
        writer.Write("\r\n");
        var line = new StringBuilder(512);
        foreach (var row in Rows())
        {
            line.Clear();
            for (var i = 0; i < LegacyRegister.Columns.Count; i++)
            {
                if (i > 0) line.Append(',');
                if (row.TryGetValue(LegacyRegister.Columns[i], out var v)) line.Append(Quote(v));
            }
            writer.Write(line.Append("\r\n"));
        }
    }

    public string ToCsv()
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        WriteCsv(writer);
        return writer.ToString();
    }

    /// <summary>RFC 4180 quoting where a value needs it.</summary>
    public static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
