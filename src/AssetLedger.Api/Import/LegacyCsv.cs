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

    private static CsvReaderOptions Options => new() { MalformedData = CsvMalformedDataHandling.Throw, FieldCountMismatch = CsvFieldCountHandling.Allow };

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
        var rows = 0;
        var parsed = new List<LegacyRow>();
        var errors = new List<RowError>();
        try
        {
            while (reader.Read())
            {
                rows++;
                if (rows > MaxRows) throw new RegisterFileException($"The file has more than {MaxRows} rows; split it.");
                if (reader.FieldCount != headers.Length)
                {
                    errors.Add(new RowError(rows, "*", $"Has {reader.FieldCount} field(s); the header has {headers.Length}."));
                    continue;
                }
                var fieldCount = reader.FieldCount;
                var row = LegacyRegister.Parse(rows, column => position[column] is var i and >= 0 && i < fieldCount ? reader.GetString(i) : null,
                    jurisdiction, zone, errors);
                if (row is not null) parsed.Add(row);
            }
        }
        catch (CsvFormatException ex)
        {
            throw new RegisterFileException($"Row {rows + 1} cannot be read ({ex.Message}); nothing was imported.");
        }
        return new ReadRegister(rows, parsed, errors);
    }
}
