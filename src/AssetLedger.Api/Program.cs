using AssetLedger.Api.Assets;
using AssetLedger.Api.Audit;
using AssetLedger.Api.Cases;
using AssetLedger.Api.Cooperation;
using AssetLedger.Api.Deadlines;
using AssetLedger.Api.Distribution;
using AssetLedger.Api.Ops;
using AssetLedger.Api.Web;
using JasperFx;
using JasperFx.CodeGeneration;
using NodaTime;
using Serilog;
using Serilog.Events;
using Wolverine;

if (DevToken.TryRun(args, out var exitCode) || VerifyCommand.TryRun(args, out exitCode) || RebuildCommand.TryRun(args, out exitCode)) return exitCode;

var app = AssetLedger.Api.LedgerApp.Build(args);

return await app.RunJasperFxCommands(args);

public partial class Program;
