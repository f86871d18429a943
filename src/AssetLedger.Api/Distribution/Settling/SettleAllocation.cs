using AssetLedger.Api.Cases;
using AssetLedger.Api.Distribution.Distributing;
using AssetLedger.Core.Money;
using Commands = AssetLedger.Cases;

namespace AssetLedger.Api.Distribution.Settling;

public sealed record SettleAllocationRequest(CommandContext Context, Guid CaseId, Guid DistributionId, Guid AllocationId, Money Amount, NodaTime.LocalDate SettledOn, string BankReference);

/// <summary>
/// <c>POST /api/cases/{caseId}/distributions/{distributionId}/settlements</c>: the treasury records a
/// payment of an allocation (never more than what remains; <see cref="Treasury.RefuseSettlement"/>).
/// </summary>
public static class SettleAllocationHandler
{
    [ApiRoute("POST", "/cases/{caseId}/distributions/{distributionId}/settlements", Roles.Treasury)]
    private static async Task<IResult> SettleAllocation(HttpContext http, string caseId, string distributionId, IMessageBus bus, IDocumentStore store, CancellationToken ct)
    {
        var request = ApiRequest.Of(http);
        if (!Guid.TryParse(caseId, out var id) || !Guid.TryParse(distributionId, out var did)) return Problems.NotFound("No such distribution.");
        var errors = Prepare(request.CommandBody, id, did, request, out var message);
        if (errors is not null)
        {
            await using var session = store.QuerySession(request.Caller.Jurisdiction);
            return await ComputeDistributionHandler.CurrentAsync(session, request.Caller, id, did, created: false, ct) is Outcome.Done
                ? Problems.Validation(errors) : Problems.NotFound("No such distribution.");
        }
        return (await bus.InvokeAsync<Outcome>(message!, ct)).ToResult(http);
    }

    /// <summary>Parses a settlement into its message (the 400 errors otherwise): one path for the API and the web forms.</summary>
    public static Dictionary<string, string[]>? Prepare(Body body, Guid caseId, Guid distributionId, ApiRequest request, out SettleAllocationRequest? message)
    {
        message = null;
        Guid? commandId = null;
        var errors = RequestPipeline.Parse(body, f =>
        {
            commandId = f.Id("commandId");
            var allocationId = f.Id("allocationId");
            var amount = f.Money("amount", true, allowZero: false);
            var settledOn = f.Date("settledOn", true);
            var bankReference = f.Text("bankReference", true, 64);
            return f.Ok ? new SettleAllocationRequest(null!, caseId, distributionId, allocationId!.Value, amount!.Value, settledOn!.Value, bankReference!) : null;
        }, out var command, out var expectedVersion);
        if (errors is not null) return errors;
        var fingerprint = CommandExecutor.Fingerprint($"POST /api/cases/{caseId}/distributions/{distributionId}/settlements", command! with { Context = null! }, expectedVersion);
        message = command! with { Context = request.Context(commandId!.Value, fingerprint, expectedVersion) };
        return null;
    }

    public static Task<Outcome> Handle(SettleAllocationRequest m, CommandExecutor executor, CancellationToken ct) =>
        executor.RunAsync(new CaseCommandPlan(m.Context, $"POST /api/cases/{m.CaseId}/distributions/{m.DistributionId}/settlements", m.CaseId)
        {
            NotFound = $"No distribution {m.DistributionId} in case {m.CaseId}.",
            Finds = c => c.Distributions.Any(d => d.DistributionId == m.DistributionId),
            Command = (_, _) => Task.FromResult<CaseCommand>(new Commands.SettleAllocation(m.DistributionId, m.AllocationId, m.Amount, m.SettledOn, m.BankReference)),
            Answer = (_, next) => Task.FromResult(ComputeDistributionHandler.Done(next, m.DistributionId, created: false)),
            Beyond = (scope, _, _) => (session, ct2) => ReportToIssuingStateAsync(session, m, scope.Now, ct2),
            Represent = session => ComputeDistributionHandler.CurrentAsync(session, m.Context.Caller, m.CaseId, m.DistributionId, created: false, ct),
        }, ct);

    /// <summary>
    /// A payment of an issuing State's share under a received confiscation certificate (Art 30(7)) is
    /// recorded on the certificate too, and so reported to the issuing ledger, in the same transaction.
    /// </summary>
    private static async Task<Outcome?> ReportToIssuingStateAsync(IDocumentSession session, SettleAllocationRequest m, NodaTime.Instant now, CancellationToken ct)
    {
        var certificate = await session.Query<AssetLedger.Certificates.Certificate>()
            .Where(c => c.Shares.Any(s => s.AllocationId == m.AllocationId)).FirstOrDefaultAsync(ct);
        if (certificate is null) return null;
        return await Certificates.CertificateCommandSlices.AppendAsync(session, certificate.Id,
            new AssetLedger.Certificates.RecordShareSettlement(m.DistributionId, m.AllocationId, m.Amount, m.SettledOn, m.BankReference), now, ct);
    }
}
