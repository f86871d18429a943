using System.Text.RegularExpressions;
using AssetLedger.Api.Cases;
using AssetLedger.Core.Money;
using Commands = AssetLedger.Cases;

namespace AssetLedger.Api.Distribution.VictimClaims;

public sealed record RegisterVictimClaimRequest(CommandContext Context, Guid CaseId, Guid ClaimId, string VictimRef, Money Amount, string Basis, int? PriorityRank)
{
    /// <summary>Messages can end up in logs: the victim's pseudonym never does.</summary>
    public override string ToString() => $"RegisterVictimClaim {{ CaseId = {CaseId}, ClaimId = {ClaimId} }}";
}

public sealed record VictimClaimResponse(Guid ClaimId, Guid CaseId, string VictimRef, Money Amount, string Basis, int? PriorityRank, int RegistrationOrder, Money Outstanding)
{
    public static VictimClaimResponse From(Guid caseId, VictimClaim c) =>
        new(c.ClaimId, caseId, c.VictimRef, c.Amount, c.Basis, c.PriorityRank, c.RegistrationOrder, c.Outstanding);
}

/// <summary>
/// <c>POST /api/cases/{caseId}/victim-claims</c>: the prosecutor registers a victim's compensation
/// claim under a pseudonym; victims are paid first from every distribution of the case.
/// <c>GET</c> the same route lists them.
/// </summary>
public static partial class RegisterVictimClaimHandler
{
    /// <summary>A pseudonym, not a name: letters, digits and . _ : - only, so a name with spaces cannot slip in.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
    private static partial Regex Pseudonym();

    [ApiRoute("POST", "/cases/{caseId}/victim-claims", Roles.Prosecutor)]
    private static Task<IResult> RegisterVictimClaim(HttpContext http, string caseId, IMessageBus bus, IDocumentStore store, CancellationToken ct) =>
        CaseCommandRunner.SendAsync<RegisterVictimClaimRequest>(http, caseId, Prepare, bus, store, ct);

    [ApiRoute("GET", "/cases/{caseId}/victim-claims", Roles.Investigator, Roles.Prosecutor, Roles.Treasury, Roles.Auditor, Roles.Admin)]
    private static async Task<IResult> ListVictimClaims(HttpContext http, string caseId, IDocumentStore store, CancellationToken ct)
    {
        var caller = ApiRequest.Of(http).Caller;
        if (!Guid.TryParse(caseId, out var id)) return Problems.NotFound($"No case {caseId}.");
        await using var session = store.QuerySession(caller.Jurisdiction);
        var c = await session.LoadAsync<Case>(id, ct);
        return c is not null && caller.CanSee(c.Agencies)
            ? Results.Json(c.VictimClaims.Select(v => VictimClaimResponse.From(id, v)).ToList(), ApiJson.Options)
            : Problems.NotFound($"No case {id}.");
    }

    /// <summary>Parses a victim claim into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? Prepare(Body body, Guid caseId, ApiRequest request, out RegisterVictimClaimRequest? message)
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
            return f.Ok ? new RegisterVictimClaimRequest(null!, caseId, claimId!.Value, victimRef!, amount!.Value, basis!, (int?)rank) : null;
        }, out var command, out var expectedVersion);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{caseId}/victim-claims", command! with { Context = null! }, expectedVersion);
        message = command! with { Context = request.Context(command.ClaimId, fingerprint, expectedVersion) };
        return null;
    }

    public static Task<Outcome> Handle(RegisterVictimClaimRequest m, CommandExecutor executor, CancellationToken ct) =>
        executor.RunAsync(new CaseCommandPlan(m.Context, $"POST /api/cases/{m.CaseId}/victim-claims", m.CaseId)
        {
            Command = (_, _) => Task.FromResult<CaseCommand>(new Commands.RegisterVictimClaim(m.ClaimId, m.VictimRef, m.Amount, m.Basis, m.PriorityRank)),
            Answer = (_, next) => Task.FromResult(Done(next, m.ClaimId)),
            // A replay answers only a caller who may see the case: the key and the body alone are no
            // proof of that (another agency sending the same ids gets the 404 any hidden case gives).
            Represent = async session => await session.LoadAsync<Case>(m.CaseId, ct) is not { } c || !m.Context.Caller.CanSee(c.Agencies)
                ? new Outcome.NotFound($"No case {m.CaseId}.")
                : c.VictimClaims.Any(v => v.ClaimId == m.ClaimId)
                    ? Done(c, m.ClaimId)
                    : new Outcome.NotFound($"No claim {m.ClaimId}."),
        }, ct);

    private static Outcome.Done Done(Case c, Guid claimId) =>
        new(VictimClaimResponse.From(c.Id, c.VictimClaims.Single(v => v.ClaimId == claimId)), c.Version,
            Created: true, Location: $"/api/cases/{c.Id}/victim-claims");
}
