namespace AssetLedger.Api.Ops;

/// <summary>What the command-line commands (<c>verify</c>, <c>rebuild</c>) share.</summary>
public static class CommandLine
{
    /// <summary>The configuration of a command-line command (appsettings.json, environment, arguments after the command's name), like the service's.</summary>
    public static bool TryConfigure(string[] args, out IConfiguration config, out string connectionString)
    {
        config = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args.Skip(1).ToArray())
            .Build();
        connectionString = config.GetConnectionString("AssetLedger") ?? "";
        if (connectionString.Length > 0) return true;
        Console.Error.WriteLine("ConnectionStrings:AssetLedger is not set (environment ConnectionStrings__AssetLedger).");
        return false;
    }

    /// <summary>
    /// The connection string for a command that reads or writes a whole store (verify, import): the
    /// service's 3 s command timeout (an outage must fail fast) would cut it short, so unless the
    /// connection string sets one, commands may run for <paramref name="seconds"/>.
    /// </summary>
    public static string ForLongCommands(string connectionString, int seconds = 600)
    {
        if (connectionString.Contains("Command Timeout", StringComparison.OrdinalIgnoreCase) || connectionString.Contains("CommandTimeout", StringComparison.OrdinalIgnoreCase))
            return connectionString;
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = seconds }.ConnectionString;
    }
}
