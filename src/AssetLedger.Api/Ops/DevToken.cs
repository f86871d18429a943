namespace AssetLedger.Api.Ops;

/// <summary>
/// <c>dotnet AssetLedger.Api.dll token --sub u-1 --name "Ann" --role investigator --jurisdiction NL --agency FIOD [--hours 8]</c>
/// prints an HS256 development token signed with Auth:SigningKey (environment Auth__SigningKey).
/// </summary>
public static class DevToken
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != "token") return false;
        var opts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length - 1; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) { exitCode = Usage($"Unexpected argument {args[i]}"); return true; }
            var key = args[i][2..];
            if (!opts.TryGetValue(key, out var list)) opts[key] = list = [];
            list.Add(args[i + 1]);
        }
        var key32 = Environment.GetEnvironmentVariable("Auth__SigningKey") ?? Environment.GetEnvironmentVariable("AUTH__SIGNINGKEY");
        if (opts.TryGetValue("key", out var k)) key32 = k[0];
        string Get(string name, string fallback) => opts.TryGetValue(name, out var v) ? v[0] : fallback;
        var roles = opts.TryGetValue("role", out var r) ? r.SelectMany(x => x.Split(',')).ToArray() : [Roles.Investigator];
        if (roles.Except(Roles.All).FirstOrDefault() is { } bad) { exitCode = Usage($"Unknown role {bad}"); return true; }
        try
        {
            var hours = double.Parse(Get("hours", "8"), System.Globalization.CultureInfo.InvariantCulture);
            Console.WriteLine(Auth.CreateToken(key32 ?? "", Get("sub", "dev-user"), Get("name", "Development User"), roles,
                Get("jurisdiction", "NL").ToUpperInvariant(), Get("agency", "FIOD"), TimeSpan.FromHours(hours)));
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            exitCode = Usage(ex.Message);
        }
        return true;
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine(problem);
        Console.Error.WriteLine("usage: token --sub <id> --name <name> --role <role>[,<role>] --jurisdiction <CC> --agency <code> [--hours 8] [--key <signing key>]");
        return 2;
    }
}
