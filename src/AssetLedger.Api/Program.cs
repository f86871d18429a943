using AssetLedger.Api.Ops;
using JasperFx;

// The command-line tools first (token, verify, rebuild, import, generate-register); otherwise the service, built in one place
// (LedgerApp.Build) and run through JasperFx's command line (db-apply, db-assert, codegen, …).
if (DevToken.TryRun(args, out var exitCode) || VerifyCommand.TryRun(args, out exitCode) || RebuildCommand.TryRun(args, out exitCode)
    || AssetLedger.Api.Import.ImportCommand.TryRun(args, out exitCode)) return exitCode;

var app = AssetLedger.Api.LedgerApp.Build(args);

return await app.RunJasperFxCommands(args);

public partial class Program;
