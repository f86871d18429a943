using System.Globalization;
using System.Text.Json;
using AssetLedger.Import;
using NodaTime;

namespace AssetLedger.Api.Import;

/// <summary>
/// <c>dotnet AssetLedger.Api.dll import --jurisdiction NL --file register.csv [--user id] [--name "…"] [--agency CODE] [--report rejected.csv|.json]</c>:
/// imports a legacy register (<see cref="LegacyImporter"/>), showing progress on stderr (rows done,
/// rejected, rows/s), the summary as JSON on stdout, and the rejected rows in <c>--report</c>. Exit code
/// 0 when every row was imported (now or before), 1 when some were rejected, 2 when the file or the
/// arguments are unusable. <c>generate-register --assets N --seed S --file out.csv [--invalid-every K]</c>
/// writes a realistic register (<see cref="RegisterGenerator"/>) for trials and the benchmark.
/// </summary>
public static class ImportCommand
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] is not ("import" or "generate-register")) return false;
        if (args[0] == "generate-register")
        {
            exitCode = Generate(args);
            return true;
        }
        if (!Ops.CommandLine.TryConfigure(args, out var config, out var connectionString))
        {
            exitCode = 2;
            return true;
        }
        exitCode = RunAsync(config, connectionString).GetAwaiter().GetResult();
        return true;
    }

    private static int Generate(string[] args)
    {
        var config = new ConfigurationBuilder().AddCommandLine(args.Skip(1).ToArray()).Build();
        if (!int.TryParse(config["assets"], out var assets) || assets <= 0 || config["file"] is not { Length: > 0 } file)
        {
            Console.Error.WriteLine("usage: generate-register --assets <n> --file <out.csv> [--seed <n>] [--jurisdiction NL] [--invalid-every <n>]");
            return 2;
        }
        var generator = new RegisterGenerator(assets, config.GetValue("seed", 1), config["jurisdiction"] ?? "NL", config.GetValue("invalid-every", 0));
        using (var writer = new StreamWriter(file, false, new System.Text.UTF8Encoding(false))) generator.WriteCsv(writer);
        Console.WriteLine($"Wrote {assets} assets to {file}");
        return 0;
    }

    private static async Task<int> RunAsync(IConfiguration config, string connectionString)
    {
        var jurisdiction = config["jurisdiction"]?.Trim().ToUpperInvariant();
        var path = config["file"];
        if (jurisdiction is not { Length: 2 } || !AssetLedger.Core.Identifiers.Countries.IsAlpha2(jurisdiction) || string.IsNullOrEmpty(path))
        {
            Console.Error.WriteLine("usage: import --jurisdiction <CC> --file <register.csv> [--user <id>] [--name <name>] [--agency <code>] [--report <rejected.csv|.json>]");
            return 2;
        }
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"No file {path}.");
            return 2;
        }
        var user = config["user"] ?? Environment.UserName;
        var actor = new ImportActor(user, config["name"] ?? user, Roles.Admin, config["agency"] ?? "");

        await using var dataSource = MartenSetup.BuildDataSource(Ops.CommandLine.ForLongCommands(connectionString));
        using var store = new DocumentStore(MartenSetup.Options(dataSource, autoCreate: false));
        var clock = SystemClock.Instance;
        // This process has no status cache; its writes pass the guard as another instance's do, so a
        // running service's cache never answers from before them.
        var importer = new LegacyImporter(dataSource, store, clock, new JurisdictionCalendar(clock, config), new Assets.AssetStatusCache(clock, 0, Duration.Zero));

        var lastShown = 0L;
        var progress = new SynchronousProgress(p =>
        {
            var now = Environment.TickCount64;
            if (now - lastShown < 1000 && p.RowsDone < p.Rows) return;
            lastShown = now;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.RowsDone:N0}/{p.Rows:N0} rows, {p.Rejected:N0} rejected, {p.RowsPerSecond:N0} rows/s"));
        });
        ImportReport report;
        try
        {
            report = await importer.ImportAsync(jurisdiction, await File.ReadAllBytesAsync(path), actor, progress, CancellationToken.None);
        }
        catch (RegisterFileException ex)
        {
            Console.Error.WriteLine($"{path}: {ex.Message}");
            return 2;
        }
        if (config["report"] is { Length: > 0 } reportPath)
            await File.WriteAllTextAsync(reportPath, reportPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? JsonSerializer.Serialize(report.Rejected, ApiJson.Options) : report.RejectedCsv());
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            report.Jurisdiction, report.FileSha256, report.Rows, report.Imported, report.AlreadyImported, rejected = report.Rejected.Count,
            report.CasesCreated, report.EventsWritten, seconds = Math.Round(report.Seconds, 3),
            prepareSeconds = Math.Round(report.PrepareSeconds, 3), writeSeconds = Math.Round(report.WriteSeconds, 3),
        }, ApiJson.Options));
        foreach (var r in report.Rejected.Take(20)) Console.Error.WriteLine($"row {r.Row}, {r.Field}: {r.Reason}");
        if (report.Rejected.Count > 20) Console.Error.WriteLine($"… and {report.Rejected.Count - 20} more (--report <file> writes them all).");
        return report.Rejected.Count > 0 ? 1 : 0;
    }
}
