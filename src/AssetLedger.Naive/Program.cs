// Benchmark baseline (issue 17), not part of the product: the seizure of P1 done the way a user would
// build it from the public Marten + Wolverine samples (JasperFx/wolverine src/Samples/IncidentService):
// Wolverine.Http endpoints, the aggregate handler workflow, an inline snapshot, transactional
// middleware, dynamic code generation. No idempotency store, group commit, cache or audit chain.
// src/AssetLedger.Benchmarks (Naive.cs) starts it and measures it beside the product.
using System.Text;
using JasperFx;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;
using AssetLedger.Naive;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);

builder.Services.AddMarten(opts =>
    {
        opts.Connection(builder.Configuration.GetConnectionString("Naive")
            ?? throw new InvalidOperationException("ConnectionStrings:Naive is not set."));
        opts.DatabaseSchemaName = "naive";
        opts.AutoCreateSchemaObjects = AutoCreate.All;
        opts.Projections.Snapshot<Asset>(SnapshotLifecycle.Inline);
        // The sample's "recent optimization" for the aggregate handler workflow.
        opts.Projections.UseIdentityMapForAggregates = true;
    })
    .UseLightweightSessions()
    // Create the schema at start-up rather than racing on the first concurrent requests.
    .ApplyAllDatabaseChangesOnStartup()
    .IntegrateWithWolverine();

builder.Host.UseWolverine(opts => opts.Policies.AutoApplyTransactions());
builder.Services.AddWolverineHttp();

// The benchmark's development tokens: HS256 over the UTF-8 bytes of Auth:SigningKey, issuer and audience "assetledger".
var signingKey = builder.Configuration["Auth:SigningKey"] ?? throw new InvalidOperationException("Auth:SigningKey is not set.");
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
{
    o.MapInboundClaims = false;
    o.TokenValidationParameters = new TokenValidationParameters
    {
        ValidIssuer = "assetledger", ValidAudience = "assetledger",
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)),
        NameClaimType = "name", RoleClaimType = "role",
    };
});
builder.Services.AddAuthorization();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/health/ready", () => Results.Ok());
app.MapWolverineEndpoints();

return await app.RunJasperFxCommands(args);
