namespace AssetLedger.Cases;

/// <summary>
/// What the case list filters and sorts on (status, a search text, the agencies, the opening
/// order), projected from the case stream apart from <see cref="Case"/>, the decision state: the
/// list's query shapes never widen the document every case command folds and reads.
/// </summary>
public sealed record CaseListing
{
    /// <summary>U+001F: a control character no text field and no search may contain, so a search never spans both fields.</summary>
    public const string SearchSeparator = "\u001F";

    public Guid Id { get; init; }
    public CaseStatus Status { get; init; }
    /// <summary>Lower-case reference and title, for case-insensitive search.</summary>
    public string SearchText { get; init; } = "";
    /// <summary>Sort key for "newest first" (Unix milliseconds of the opening).</summary>
    public long OpenedAtUnixMs { get; init; }
    /// <summary>"|LEAD|PART1|PART2|": agency membership as one searchable string.</summary>
    public string AgencyKey { get; init; } = "";
    public long Version { get; init; }

    /// <summary>The case events the listing reads; the projection includes these only.</summary>
    public static bool Includes(object e) => e is CaseOpened or ParticipatingAgencyAdded or CaseClosed;

    public static CaseListing Evolve(CaseListing? state, object @event, long version)
    {
        var next = @event switch
        {
            CaseOpened e => new CaseListing
            {
                Id = e.CaseId, Status = CaseStatus.Open,
                SearchText = (e.Reference + SearchSeparator + e.Title).ToLowerInvariant(),
                OpenedAtUnixMs = e.OpenedAt.ToUnixTimeMilliseconds(),
                AgencyKey = "|" + string.Join("|", e.ParticipatingAgencies.Prepend(e.LeadAgency)) + "|",
            },
            _ when state is null => throw new InvalidOperationException($"{@event.GetType().Name} before CaseOpened"),
            ParticipatingAgencyAdded e => state with { AgencyKey = state.AgencyKey + e.Agency + "|" },
            CaseClosed => state with { Status = CaseStatus.Closed },
            _ => throw new InvalidOperationException($"{@event.GetType().Name} is not an event of the case listing."),
        };
        return next with { Version = version };
    }
}
