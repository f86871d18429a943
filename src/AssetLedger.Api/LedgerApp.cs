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
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AssetLedger.Api;

/// <summary>
/// The service as one function: configuration, services, middleware and endpoints. Program.cs runs
/// it; a test host that needs a real Kestrel listener (two ledgers talking over loopback HTTP) builds
/// it too, with <paramref name="configure"/> adding its settings and services (a fake clock) first.
/// </summary>
public static class LedgerApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The application is this assembly, whoever hosts it (a test host's entry assembly is the test
        // runner): its Razor pages and static web assets are found by this name.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(LedgerApp).Assembly.GetName().Name });
        configure?.Invoke(builder);
        ThreadPoolFloor.Apply(builder.Configuration);
        CommandExecutor.GroupWorkers(builder.Configuration);
        builder.Host.UseSerilog((ctx, services, log) => log
            .ReadFrom.Configuration(ctx.Configuration)
            .ReadFrom.Services(services)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Wolverine", LogEventLevel.Warning)
            .MinimumLevel.Override("Marten", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            // Wolverine logs a failed invocation with the whole message; the error middleware logs the
            // exception itself (without the message), so this line would only repeat it with data in it.
            .Filter.ByExcluding(e => e.MessageTemplate.Text == "Invocation of {Message} failed!")
            // Console output is formatted and written in batches on a background task, not on the request's
            // thread: a request never waits for stdout (a slow pipe or terminal), the hot path only queues,
            // and stdout gets one write per batch instead of one per line (see BatchedConsoleSink).
            .WriteTo.Sink(new BatchedConsoleSink(
                    new Serilog.Formatting.Display.MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}"),
                    Console.OpenStandardOutput()),
                BatchedConsoleSink.Options));

        var connectionString = builder.Configuration.GetConnectionString("AssetLedger")
            ?? throw new InvalidOperationException("ConnectionStrings:AssetLedger is not set.");
        var autoCreate = builder.Configuration.GetValue("Database:AutoCreate", builder.Environment.IsDevelopment());

        builder.Services.TryAddSingleton<IClock>(SystemClock.Instance); // a test host may have provided its own
        builder.Services.AddSingleton<JurisdictionCalendar>();
        builder.Services.AddSingleton<CommandExecutor>();
        builder.Services.AddSingleton(sp => HeldAssets.FromConfiguration(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<AssetStatusCache>()));
        builder.Services.AddSingleton(sp => AssetStatusCache.FromConfiguration(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IClock>()));
        // The status cache answers only while this is the only instance on the database (StatusCacheLease).
        builder.Services.AddHostedService(sp => new StatusCacheLease(StatusCacheLease.DataSourceFor(connectionString),
            sp.GetRequiredService<AssetStatusCache>(), sp.GetRequiredService<ILogger<StatusCacheLease>>()));
        var dataSource = MartenSetup.BuildDataSource(connectionString);
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddSingleton<ChainStamper>();
        // Cooperation with other States' ledgers (docs/cooperation.md): peers, the outbox's delivery, the deadline sweep.
        builder.Services.AddSingleton<PeerDirectory>();
        builder.Services.AddSingleton<PeerDelivery>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PeerDelivery>());
        builder.Services.AddHostedService<CertificateDeadlineSweep>();
        builder.Services.AddSingleton<AuditVerifier>();
        builder.Services.AddSingleton<AssetLedger.Api.Import.LegacyImporter>();
        builder.Services.AddSingleton<AssetLedger.Api.Import.ImportJobs>();
        var marten = builder.Services.AddMarten(opts => MartenSetup.Configure(opts, dataSource, autoCreate))
            .UseLightweightSessions();
        if (autoCreate) marten.ApplyAllDatabaseChangesOnStartup();
        builder.Host.UseWolverine(opts =>
        {
            opts.Discovery.IncludeAssembly(typeof(Program).Assembly);
            // Handler code is generated ahead of time (ops/codegen.sh writes Internal/Generated, committed) and
            // compiled into the service: no Roslyn compilation at start or on the first command. Auto: a
            // handler without pre-generated code is still generated at run time, so a missing file costs
            // time, never a command; a stale file that no longer fits its handler fails the build.
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Auto;
            // Where `codegen write` puts the files; the freshness test writes to a temporary folder and compares.
            if (builder.Configuration["Codegen:OutputPath"] is { Length: > 0 } codegenPath) opts.CodeGeneration.GeneratedCodeOutputPath = codegenPath;
        });
        builder.Services.AddAssetLedgerAuth(builder.Configuration);
        builder.Services.AddWebInterface(builder.Configuration, builder.Environment);
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 8 * RequestPipeline.MaxBodyBytes);

        var app = builder.Build();
        ThreadPoolFloor.UseLogger(app.Services.GetRequiredService<ILoggerFactory>());

        app.UseMiddleware<CorrelationMiddleware>();
        app.UseSerilogRequestLogging(o =>
        {
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            // Refusals and outages (4xx, 503) are expected: Warning. Error is for bugs.
            o.GetLevel = (http, _, ex) => ex is not null || (http.Response.StatusCode >= 500 && http.Response.StatusCode != 503) ? LogEventLevel.Error
                : http.Response.StatusCode >= 400 ? LogEventLevel.Warning : LogEventLevel.Information;
            o.EnrichDiagnosticContext = (diag, http) =>
            {
                diag.Set("UserId", http.User.FindFirst("sub")?.Value ?? "anonymous");
                diag.Set("Route", (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "");
            };
        });
        app.UseMiddleware<ErrorHandlingMiddleware>();
        // A status without a body under /api (no such route, a method the route does not take) is a
        // problem document like every other error (api.md); the web pages keep their own answers.
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            if (!http.Request.Path.StartsWithSegments("/api")) return Task.CompletedTask;
            var route = $"{http.Request.Method} {http.Request.Path}";
            return http.Response.StatusCode switch
            {
                404 => Problems.WriteAsync(http, 404, "not-found", "No such resource.", $"There is no route {route}."),
                405 => Problems.WriteAsync(http, 405, "method-not-allowed", "The route does not take this method.", $"{route}: the route exists with other methods."),
                var status => Problems.WriteAsync(http, status, "error", Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), route),
            };
        });
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapOperations();
        app.MapPeerEndpoint(); // signed messages from other States' ledgers, outside /api (no user token)
        // Every /api endpoint is a slice's [ApiRoute] method; one filter checks claims, body and roles (api.md's order).
        var api = app.MapGroup("/api").RequireAuthorization().AddEndpointFilter<ApiRequestFilter>();
        api.MapSlices();
        app.MapWebInterface(); // Razor Pages (cookie sign-in) outside /api: not in the role matrix

        RoleMatrix.AssertComplete(((IEndpointRouteBuilder)app).DataSources);
        return app;
    }
}
