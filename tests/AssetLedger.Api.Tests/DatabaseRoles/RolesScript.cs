using System.Diagnostics;
using Npgsql;

namespace AssetLedger.Api.Tests.DatabaseRoles;

/// <summary>Runs ops/db-roles.sql (directly with Npgsql, or through ops/db-roles.sh and psql) and the service's db-apply command.</summary>
public static class RolesScript
{
    public const string Owner = "assetledger_owner";
    public const string App = "assetledger_app";
    public const string OwnerPassword = "owner-password-for-tests";
    public const string AppPassword = "app-password-for-tests";

    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(180);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string SqlPath => Path.Combine(RepositoryRoot, "ops", "db-roles.sql");
    public static string ShellPath => Path.Combine(RepositoryRoot, "ops", "db-roles.sh");

    /// <summary>The same database, logged in as <paramref name="role"/> with its test password.</summary>
    public static string As(string connectionString, string role) =>
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            Username = role,
            Password = role == Owner ? OwnerPassword : AppPassword,
        }.ConnectionString;

    /// <summary>Executes the SQL file as it is, in one transaction, then sets the test passwords.</summary>
    public static async Task ApplyWithNpgsqlAsync(string adminConnectionString)
    {
        var sql = await File.ReadAllTextAsync(SqlPath);
        await using var conn = new NpgsqlConnection(adminConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand(sql, conn, tx))
            await cmd.ExecuteNonQueryAsync();
        await using (var cmd = new NpgsqlCommand($"ALTER ROLE {Owner} PASSWORD '{OwnerPassword}'; ALTER ROLE {App} PASSWORD '{AppPassword}'", conn, tx))
            await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    /// <summary>psql, if this machine has it: the client ops/db-roles.sh needs.</summary>
    public static string? FindPsql()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("ASSETLEDGER_PG_BINDIR") is { Length: > 0 } bin)
            candidates.Add(Path.Combine(bin, "psql"));
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            candidates.Add(Path.Combine(dir, "psql"));
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin", "psql")));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>ops/db-roles.sh with the admin's connection string (in the service's Npgsql form) and the passwords from the environment.</summary>
    public static void ApplyWithShell(string adminConnectionString) =>
        Run("bash", [ShellPath, adminConnectionString], new()
        {
            ["ASSETLEDGER_OWNER_PASSWORD"] = OwnerPassword,
            ["ASSETLEDGER_APP_PASSWORD"] = AppPassword,
            ["ASSETLEDGER_PG_BINDIR"] = Path.GetDirectoryName(FindPsql()),
        });

    /// <summary>The production way to apply the schema: <c>dotnet AssetLedger.Api.dll db-apply</c>.</summary>
    public static void DbApply(string connectionString)
    {
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        Run(dotnet, [Path.Combine(AppContext.BaseDirectory, "AssetLedger.Api.dll"), "db-apply"], new()
        {
            ["ConnectionStrings__AssetLedger"] = connectionString,
            ["Auth__SigningKey"] = Infrastructure.ApiFixture.SigningKey,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        }, workingDirectory: AppContext.BaseDirectory);
    }

    private static void Run(string exe, IReadOnlyList<string> args, Dictionary<string, string?> environment, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot,
        };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) psi.Environment[key] = value;

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ProcessTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish within {ProcessTimeout.TotalSeconds:0} s.");
        }
        Task.WaitAll(stdout, stderr);
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{exe} {string.Join(' ', args.Take(1))} failed with exit code {process.ExitCode}.\n--- stderr ---\n{stderr.Result}\n--- stdout ---\n{stdout.Result}");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ops", "db-roles.sql")))
                return dir.FullName;
        throw new InvalidOperationException($"ops/db-roles.sql not found above {AppContext.BaseDirectory}.");
    }
}
