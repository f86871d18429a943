using System.Text.RegularExpressions;
using AssetLedger.Api.Cases;
using AssetLedger.Api.Infrastructure;
using AssetLedger.Cases;
using AssetLedger.Core.Money;
using Marten;
using Wolverine;

namespace AssetLedger.Api.Distribution;

public sealed record RegisterVictimClaim(CommandContext Context, Guid CaseId, Guid ClaimId, string VictimRef, Money Amount, string Basis, int? PriorityRank)
{
    /// <summary>Messages can end up in logs: the victim's pseudonym never does.</summary>
    public override string ToString() => $"RegisterVictimClaim {{ CaseId = {CaseId}, ClaimId = {ClaimId} }}";
}

public sealed record VictimClaimResponse(Guid ClaimId, Guid CaseId, string VictimRef, Money Amount, string Basis, int? PriorityRank, int RegistrationOrder, Money Outstanding)
{
    public static VictimClaimResponse From(Guid caseId, VictimClaim c) =>
        new(c.ClaimId, caseId, c.VictimRef, c.Amount, c.Basis, c.PriorityRank, c.RegistrationOrder, c.Outstanding);
}

public static partial class VictimClaimEndpoints
{
    /// <summary>A pseudonym, not a name: letters, digits and . _ : - only, so a name with spaces cannot slip in.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
    private static partial Regex Pseudonym();

    public static void MapVictimClaimEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/cases/{caseId}/victim-claims", RegisterAsync).WithName("RegisterVictimClaim").WithTags("Victims");
        api.MapGet("/cases/{caseId}/victim-claims", ListAsync).WithName("ListVictimClaims").WithTags("Victims");
    }

    private static Task<IResult> RegisterAsync(HttpContext http, string caseId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Command(http, async (caller, role, body) =>
        {
            if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
            var errors = PrepareRegister(body, id, caller, role, RequestPipeline.CorrelationId(http), out var message);
            if (errors is not null)
                return await CaseQueries.VisibleAsync(store, caller, id, ct) ? Problems.Validation(errors) : Problems.NotFound($"No case {id}.");
            return (await bus.InvokeAsync<Outcome>(message!, ct)).ToResult(http);
        });

    /// <summary>Parses a victim claim into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? PrepareRegister(Body body, Guid caseId, Caller caller, string role, string correlationId, out RegisterVictimClaim? message)
    {
        message = null;
        var errors = RequestPipeline.Parse(body, f =>
        {
            var claimId = f.Id("claimId");
            var victimRef = f.Text("victimRef", true, 64);
            if (victimRef is not null && !Pseudonym().IsMatch(victimRef))
                f.Fail("victimRef", "Must be a pseudonym of letters, digits and . _ : - (no names).");
            var amount = f.Money("amount", true, allowZero: false);
            var basis = f.Text("basis", true);
            var rank = f.Long("priorityRank", min: 1);
            if (rank > 1000) f.Fail("priorityRank", "Must be at most 1000.");
            return f.Ok ? new RegisterVictimClaim(null!, caseId, claimId!.Value, victimRef!, amount!.Value, basis!, (int?)rank) : null;
        }, out var command);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{caseId}/victim-claims", command! with { Context = null! });
        message = command! with { Context = new CommandContext(caller, role, command.ClaimId, fingerprint, correlationId, null) };
        return null;
    }

    private static Task<IResult> ListAsync(HttpContext http, string caseId, IDocumentStore store, CancellationToken ct) =>
        RequestPipeline.Query(http, async caller =>
        {
            if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
            await using var session = store.QuerySession(caller.Jurisdiction);
            var c = await session.LoadAsync<Case>(id, ct);
            return c is not null && caller.CanSee(c.Agencies)
                ? Results.Json(c.VictimClaims.Select(v => VictimClaimResponse.From(id, v)).ToList(), ApiJson.Options)
                : Problems.NotFound($"No case {id}.");
        });
}

public static class RegisterVictimClaimHandler
{
    public static Task<Outcome> Handle(RegisterVictimClaim m, CommandExecutor executor, CancellationToken ct) =>
        executor.RunAsync(m.Context, $"POST /api/cases/{m.CaseId}/victim-claims", m.CaseId,
            async (session, now) =>
            {
                if (await CaseQueries.FetchVisibleForWritingAsync(session, m.Context.Caller, m.CaseId, ct) is not { Aggregate: { } c } stream)
                    return new Outcome.NotFound($"No case {m.CaseId}.");
                if (CaseDecider.RequireOpen(c) is AssetLedger.Assets.Decision.Refuse refuse)
                    return new Outcome.Conflict(refuse.Reason);
                if (c.VictimClaims.Any(v => v.ClaimId == m.ClaimId))
                    return new Outcome.Conflict($"Claim {m.ClaimId} is already registered.");
                var registered = new VictimClaimRegistered(m.ClaimId, m.VictimRef, m.Amount, m.Basis, m.PriorityRank);
                stream.AppendOne(registered);
                var next = Case.Evolve(c, registered, c.Version + 1);
                return Done(next, m.ClaimId);
            },
            async session => await session.LoadAsync<Case>(m.CaseId, ct) is { } c && c.VictimClaims.Any(v => v.ClaimId == m.ClaimId)
                ? Done(c, m.ClaimId)
                : new Outcome.NotFound($"No claim {m.ClaimId}."),
            ct);

    private static Outcome Done(Case c, Guid claimId) =>
        new Outcome.Done(VictimClaimResponse.From(c.Id, c.VictimClaims.Single(v => v.ClaimId == claimId)), c.Version,
            Created: true, Location: $"/api/cases/{c.Id}/victim-claims");
}
