using System.Diagnostics;
using AssetLedger.Api.Tests.Faults;

namespace AssetLedger.Api.Tests.Operations;

/// <summary>
/// Wolverine's handler code is generated ahead of time and committed (src/AssetLedger.Api/Internal/
/// Generated, written by ops/codegen.sh). Its registry lists the handler types, so a handler added
/// without regenerating would not be found. This test runs `codegen write` of the built service
/// into a temporary folder and requires the committed files to be exactly what it writes today.
/// </summary>
public sealed class when_checking_the_generated_handler_code
{
    private const string Folder = "WolverineHandlers";

    [Fact]
    public async Task the_committed_code_is_what_codegen_writes_for_the_current_handlers()
    {
        var fresh = Directory.CreateTempSubdirectory("assetledger-codegen-").FullName;
        try
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            psi.ArgumentList.Add(ServiceProcess.ServiceDll);
            psi.ArgumentList.Add("codegen");
            psi.ArgumentList.Add("write");
            // Code generation never connects: any well-formed connection string will do.
            psi.Environment["ConnectionStrings__AssetLedger"] = "Host=127.0.0.1;Port=1;Database=codegen;Username=codegen";
            psi.Environment["Auth__SigningKey"] = "codegen-check-signing-key-0123456789abcdef";
            psi.Environment["Codegen__OutputPath"] = fresh;
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
            Assert.True(process.ExitCode == 0, $"codegen write exited with {process.ExitCode}:\n{await output}\n{await errors}");

            var committed = Path.Combine(RepositoryRoot(), "src", "AssetLedger.Api", "Internal", "Generated", Folder);
            var written = Path.Combine(fresh, Folder);
            Assert.True(Directory.Exists(written), $"codegen wrote nothing to {written}:\n{await output}");

            string[] Names(string dir) => [.. Directory.GetFiles(dir, "*.cs").Select(Path.GetFileName).Order()!];
            Assert.Equal(Names(written), Names(committed));
            foreach (var name in Names(written))
                Assert.True(
                    await File.ReadAllTextAsync(Path.Combine(written, name)) == await File.ReadAllTextAsync(Path.Combine(committed, name)),
                    $"{name} is stale: run ops/codegen.sh and commit src/AssetLedger.Api/Internal/Generated.");
        }
        finally
        {
            Directory.Delete(fresh, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AssetLedger.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No AssetLedger.sln above {AppContext.BaseDirectory}.");
    }
}
