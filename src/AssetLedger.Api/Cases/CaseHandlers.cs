using AssetLedger.Api.Assets;
using AssetLedger.Api.Infrastructure;
using AssetLedger.Assets;
using AssetLedger.Cases;
using Marten;
using NodaTime;

namespace AssetLedger.Api.Cases;

/// <summary>Reserves a case reference in a jurisdiction: the primary key makes uniqueness atomic.</summary>
public sealed class CaseReference
{
    public string Id { get; set; } = "";
    public Guid CaseId { get; set; }

    public static string Key(string reference) => reference.Trim().ToUpperInvariant();
}

public sealed record OpenCase(CommandContext Context, Guid CaseId, string Reference, string Title, IReadOnlyList<Offence> Offences, IReadOnlyList<string> ParticipatingAgencies);

public sealed record NewAsset(Guid AssetId, AssetKind Kind, string? Description, IReadOnlyDictionary<string, string> Identifiers, string Location, string? Holder);

public sealed record AddAsset(CommandContext Context, Guid CaseId, NewAsset Asset);

public sealed record CloseCase(CommandContext Context, Guid CaseId, string Reason);

public static class OpenCaseHandler
{
    public static Task<Outcome> Handle(OpenCase m, CommandExecutor executor, CancellationToken ct) =>
        executor.RunAsync(m.Context, "POST /api/cases", m.CaseId,
            async (session, now) =>
            {
                var key = CaseReference.Key(m.Reference);
                if (await session.LoadAsync<CaseReference>(key, ct) is not null)
                    return new Outcome.Conflict($"A case with reference '{m.Reference}' already exists in {m.Context.Caller.Jurisdiction}.");
                var opened = new CaseOpened(m.CaseId, m.Reference, m.Title, m.Offences, m.Context.Caller.Jurisdiction,
                    m.Context.Caller.Agency, m.ParticipatingAgencies, now);
                session.Events.StartStream<Case>(m.CaseId, opened);
                session.Insert(new CaseReference { Id = key, CaseId = m.CaseId });
                var state = Case.Evolve(null, opened, 1);
                return Created(state, []);
            },
            session => CaseQueries.SummaryAsync(session, m.Context.Caller, m.CaseId, created: true, ct),
            ct);

    public static Outcome Created(Case c, IReadOnlyCollection<Asset> assets) =>
        new Outcome.Done(CaseSummary.From(c, assets), c.Version, Created: true, Location: $"/api/cases/{c.Id}");
}

public static class AddAssetHandler
{
    public static Task<Outcome> Handle(AddAsset m, CommandExecutor executor, JurisdictionCalendar calendar, CancellationToken ct)
    {
        var today = calendar.Today(m.Context.Caller.Jurisdiction);
        return executor.RunAsync(m.Context, $"POST /api/cases/{m.CaseId}/assets", m.Asset.AssetId,
            async (session, now) =>
            {
                if (await CaseQueries.FetchVisibleForWritingAsync(session, m.Context.Caller, m.CaseId, ct) is not { Aggregate: { } c } caseStream)
                    return new Outcome.NotFound($"No case {m.CaseId}.");
                if (CaseDecider.AddAsset(c, m.Asset.AssetId, m.Asset.Kind) is not Decision.Accept accept)
                    return new Outcome.Conflict("The case is in status 'closed' and accepts no further commands.");
                caseStream.AppendMany(accept.Events);
                var a = m.Asset;
                var registered = new AssetRegistered(a.AssetId, m.CaseId, a.Kind, a.Description, a.Identifiers, a.Location, a.Holder, c.Agencies.ToList());
                session.Events.StartStream<Asset>(a.AssetId, registered);
                var state = Asset.Evolve(null, registered, 1, now);
                return new Outcome.Done(AssetResponse.From(state, today), 1, Created: true, Location: $"/api/assets/{a.AssetId}");
            },
            async session => await AssetQueries.CurrentAsync(session, m.Context.Caller, m.Asset.AssetId, today, ct) is Outcome.Done d
                ? d with { Created = true, Location = $"/api/assets/{m.Asset.AssetId}" }
                : new Outcome.NotFound($"No asset {m.Asset.AssetId}."),
            ct);
    }
}

public static class CloseCaseHandler
{
    public static Task<Outcome> Handle(CloseCase m, CommandExecutor executor, CancellationToken ct) =>
        executor.RunAsync(m.Context, $"POST /api/cases/{m.CaseId}/close", m.CaseId,
            async (session, now) =>
            {
                if (await CaseQueries.FetchVisibleForWritingAsync(session, m.Context.Caller, m.CaseId, ct) is not { Aggregate: { } c } stream)
                    return new Outcome.NotFound($"No case {m.CaseId}.");
                if (m.Context.ExpectedVersion is { } expected && expected != c.Version)
                    return new Outcome.Conflict($"The case is at version {c.Version}, not the expected {expected}.");
                var assets = await session.LoadManyAsync<Asset>(ct, c.AssetIds);
                var decision = CaseDecider.Close(c, m.Reason, now, assets.Select(a => a.Status));
                if (decision is not Decision.Accept { Events: var events })
                    return new Outcome.Conflict(((Decision.Refuse)decision).Reason);
                stream.AppendMany(events);
                var next = events.Aggregate(c, (s, e) => Case.Evolve(s, e, s.Version + 1));
                return new Outcome.Done(CaseSummary.From(next, assets.ToList()), next.Version);
            },
            session => CaseQueries.SummaryAsync(session, m.Context.Caller, m.CaseId, created: false, ct),
            ct);
}
