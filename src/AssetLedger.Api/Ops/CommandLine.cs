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
}
