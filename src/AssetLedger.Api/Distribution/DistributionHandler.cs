using AssetLedger.Api.Cases;
using AssetLedger.Api.Infrastructure;
using AssetLedger.Assets;
using AssetLedger.Cases;
using AssetLedger.Core.Distribution;
using Marten;

namespace AssetLedger.Api.Distribution;

public static class DistributionHandler
{
    public static Task<Outcome> Handle(ComputeDistribution m, CommandExecutor executor, CancellationToken ct) =>
        executor.RunAsync(m.Context, $"POST /api/cases/{m.CaseId}/distributions", m.CaseId,
            async (session, now) =>
            {
                if (await CaseQueries.FetchVisibleForWritingAsync(session, m.Context.Caller, m.CaseId, ct) is not { Aggregate: { } c } stream)
                    return new Outcome.NotFound($"No case {m.CaseId}.");
                if (CaseDecider.RequireOpen(c) is Decision.Refuse closed) return new Outcome.Conflict(closed.Reason);

                var realised = (await session.LoadManyAsync<Asset>(ct, c.AssetIds))
                    .Where(a => a.Status == AssetStatus.Realised && a.Realisation is not null).ToDictionary(a => a.Id);
                if (ChooseAssets(m, c, realised) is { } refusal) return new Outcome.Conflict(refusal);
                var chosen = (m.AssetIds ?? realised.Keys.Where(id => !c.DistributedAssetIds.Contains(id)).ToList())
                    .Select(id => realised[id]).OrderBy(a => c.AssetIds.ToList().IndexOf(a.Id)).ToList();

                var input = new DistributionInput(m.Context.Caller.Jurisdiction, m.Regime, m.Counterparty,
                    chosen.Select(a => new RealisedAssetProceeds(a.Id, a.Realisation!.Kept, a.Realisation.Costs)).ToList(),
                    m.Currency, Treasury.Outstanding(c.VictimClaims), m.Parameters, m.Fx);
                switch (DistributionCalculator.Calculate(input))
                {
                    case DistributionRejected rejected:
                        return new Outcome.Invalid(rejected.Errors.ToDictionary(e => e.Key, e => e.Value));
                    case NothingToDistribute nothing:
                        return new Outcome.Conflict(nothing.Reason);
                    case DistributionResult result:
                        var computed = new DistributionComputed(m.DistributionId, input, result,
                            result.Allocations.Select(a => new StoredAllocation(Guid.NewGuid(), a)).ToList(), now);
                        stream.AppendOne(computed);
                        var next = Case.Evolve(c, computed, c.Version + 1);
                        return Done(next, m.DistributionId, created: true);
                    default:
                        throw new InvalidOperationException("Unknown distribution outcome.");
                }
            },
            session => CurrentAsync(session, m.Context.Caller, m.CaseId, m.DistributionId, created: true, ct),
            ct);

    /// <summary>An asset is distributed at most once, and only once realised; with no list, every realised asset not yet distributed.</summary>
    private static string? ChooseAssets(ComputeDistribution m, Case c, IReadOnlyDictionary<Guid, Asset> realised)
    {
        if (m.AssetIds is null)
            return realised.Keys.Any(id => !c.DistributedAssetIds.Contains(id)) ? null : "Nothing left to distribute: every realised asset of the case is already in a distribution.";
        if (m.AssetIds.Count == 0) return "Nothing to distribute: assetIds is empty.";
        foreach (var id in m.AssetIds)
        {
            if (!c.AssetIds.Contains(id)) return $"Asset {id} is not part of case {c.Id}.";
            if (!realised.ContainsKey(id)) return $"Asset {id} is not realised.";
            if (c.DistributedAssetIds.Contains(id)) return $"Asset {id} is already in a distribution.";
        }
        return null;
    }

    public static Task<Outcome> Handle(SettleAllocation m, CommandExecutor executor, CancellationToken ct) =>
        executor.RunAsync(m.Context, $"POST /api/cases/{m.CaseId}/distributions/{m.DistributionId}/settlements", m.CaseId,
            async (session, now) =>
            {
                if (await CaseQueries.FetchVisibleForWritingAsync(session, m.Context.Caller, m.CaseId, ct) is not { Aggregate: { } c } stream
                    || c.Distributions.FirstOrDefault(d => d.DistributionId == m.DistributionId) is not { } distribution)
                    return new Outcome.NotFound($"No distribution {m.DistributionId} in case {m.CaseId}.");
                if (CaseDecider.RequireOpen(c) is Decision.Refuse closed) return new Outcome.Conflict(closed.Reason);
                if (Treasury.RefuseSettlement(distribution, m.AllocationId, m.Amount) is { } refusal)
                    return new Outcome.Conflict(refusal);
                var settled = new AllocationSettled(m.DistributionId, m.AllocationId, m.Amount, m.SettledOn, m.BankReference);
                stream.AppendOne(settled);
                return Done(Case.Evolve(c, settled, c.Version + 1), m.DistributionId, created: false);
            },
            session => CurrentAsync(session, m.Context.Caller, m.CaseId, m.DistributionId, created: false, ct),
            ct);

    public static async Task<Outcome> CurrentAsync(IQuerySession session, Caller caller, Guid caseId, Guid distributionId, bool created, CancellationToken ct)
    {
        var c = await session.LoadAsync<Case>(caseId, ct);
        return c is not null && caller.CanSee(c.Agencies) && c.Distributions.Any(d => d.DistributionId == distributionId)
            ? Done(c, distributionId, created)
            : new Outcome.NotFound($"No distribution {distributionId} in case {caseId}.");
    }

    private static Outcome Done(Case c, Guid distributionId, bool created) =>
        new Outcome.Done(DistributionResponse.From(c.Id, c.Distributions.Single(d => d.DistributionId == distributionId)), c.Version,
            Created: created, Location: created ? $"/api/cases/{c.Id}/distributions/{distributionId}" : null);
}
