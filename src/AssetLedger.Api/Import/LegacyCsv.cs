using AssetLedger.Import;
using CsvHelper;
using NodaTime;

namespace AssetLedger.Api.Import;

/// <summary>A register that cannot be read at all (its header, its quoting): nothing is imported, and the reason says where.</summary>
public sealed class RegisterFileException(string message) : Exception(message);

/// <summary>A register read: its rows that have the right shape, and the reasons the others do not.</summary>
public sealed record ReadRegister(int Rows, IReadOnlyList<LegacyRow> Parsed, IReadOnlyList<RowError> Errors);

/// <summary>
/// Reads a legacy register (docs/import.md) with CsvHelper: RFC 4180 quoting, a header row naming the
/// columns (in any order; those of <see cref="LegacyRegister.Required"/> must be there, and a column
/// the format does not know refuses the file, so that a misspelt optional column is not silently
/// dropped), one row per asset. A row with a different number of fields than the header is rejected.
/// </summary>
public static class LegacyCsv
{
    /// <summary>Rows above this are refused: the import holds a register in memory while it plans its cases.</summary>
    public const int MaxRows = 2_000_000;

    /// <summary>Refuses a file whose header row is unusable (<see cref="RegisterFileException"/>), before anything is read of its rows.</summary>
    public static void CheckHeader(byte[] file)
    {
        using var reader = CsvReader.Create(file, Options);
        Columns(reader);
    }

    /// <summary>
    /// Commas only, as the format says (CsvHelper would otherwise guess among , ; tab and |): the
    /// lists inside fields (offences, agencies, identifiers) are ';'-separated, so a guessed ';' file
    /// would split them into columns.
    /// </summary>
    private static CsvReaderOptions Options => new()
    {
        Separator = ',', MalformedData = CsvMalformedDataHandling.Throw, FieldCountMismatch = CsvFieldCountHandling.Allow,
    };

    public static ReadRegister Read(byte[] file, string jurisdiction, DateTimeZone zone)
    {
        using var reader = CsvReader.Create(file, Options);
        var headers = Columns(reader);
        var index = LegacyRegister.Columns.Select(c => Array.IndexOf(headers, c)).ToArray();
        var position = LegacyRegister.Columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => index[x.i], StringComparer.Ordinal);
        return ReadRows(reader, headers, position, jurisdiction, zone);
    }

    private static string[] Columns(CsvReader reader)
    {
        string[] headers;
        try
        {
            headers = reader.Headers.Select(h => h.Trim()).ToArray();
        }
        catch (CsvFormatException ex)
        {
            throw new RegisterFileException($"The header row cannot be read: {ex.Message}");
        }
        if (headers.Length == 0 || headers.All(h => h.Length == 0)) throw new RegisterFileException("The file is empty: it needs a header row naming the columns (docs/import.md).");
        var unknown = headers.Where(h => !LegacyRegister.Columns.Contains(h)).ToList();
        if (unknown.Count > 0) throw new RegisterFileException($"Unknown column(s): {string.Join(", ", unknown.Select(u => $"'{u}'"))}. The columns are: {string.Join(", ", LegacyRegister.Columns)}.");
        var twice = headers.GroupBy(h => h).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (twice.Count > 0) throw new RegisterFileException($"Column(s) named twice: {string.Join(", ", twice)}.");
        var missing = LegacyRegister.Required.Except(headers).ToList();
        if (missing.Count > 0) throw new RegisterFileException($"Missing required column(s): {string.Join(", ", missing)}.");
        return headers;
    }

    private static ReadRegister ReadRows(CsvReader reader, string[] headers, Dictionary<string, int> position, string jurisdiction, DateTimeZone zone)
    {
        // The reader is sequential; parsing a row is not: the rows' fields are read first, then parsed on every core.
        var fields = new List<string[]?>();
        var shapeErrors = new List<RowError>();
        try
        {
            while (reader.Read())
            {
                if (fields.Count >= MaxRows) throw new RegisterFileException($"The file has more than {MaxRows} rows; split it.");
                if (reader.FieldCount != headers.Length)
                {
                    shapeErrors.Add(new RowError(fields.Count + 1, "*", $"Has {reader.FieldCount} field(s); the header has {headers.Length}."));
                    fields.Add(null);
                    continue;
                }
                var values = new string[headers.Length];
                for (var i = 0; i < values.Length; i++) values[i] = reader.GetString(i);
                fields.Add(values);
            }
        }
        catch (CsvFormatException ex)
        {
            throw new RegisterFileException($"Row {fields.Count + 1} cannot be read ({ex.Message}); nothing was imported.");
        }

        var rows = fields.Count;
        var results = new (LegacyRow? Row, List<RowError>? Errors)[rows];
        Parallel.For(0, rows, i =>
        {
            if (fields[i] is not { } values) return;
            var errors = new List<RowError>(0);
            var row = LegacyRegister.Parse(i + 1, column => position[column] is var p and >= 0 ? values[p] : null, jurisdiction, zone, errors);
            results[i] = (row, errors.Count > 0 ? errors : null);
        });
        var parsed = new List<LegacyRow>(rows);
        var errors = new List<RowError>(shapeErrors);
        foreach (var (row, rowErrors) in results)
        {
            if (row is not null) parsed.Add(row);
            if (rowErrors is not null) errors.AddRange(rowErrors);
        }
        errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        return new ReadRegister(rows, parsed, errors);
    }
}
