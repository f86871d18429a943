using Marten.Services.BatchQuerying;
using NodaTime;
using Npgsql;
using System.Threading.Channels;

namespace AssetLedger.Api.Infrastructure;

/// <summary>How a member's stream is read for its group (<see cref="GroupMember.Prefetch"/>).</summary>
internal enum GroupRead
{
    /// <summary>No read: the member decides from a held asset (<see cref="Assets.HeldAssets"/>).</summary>
    None,
    /// <summary>The asset's document alone, at the version it carries: one statement for the whole group.</summary>
    AssetDocument,
    /// <summary>The member's own read (its <c>Fetch</c>), queued on the group's batch.</summary>
    Queued,
}

/// <summary>One command waiting in <see cref="GroupCommitter"/>'s queue; it already holds its stream's gate.</summary>
internal abstract class GroupMember(CommandContext context, string route, Guid streamId)
{
    public CommandContext Context => context;
    public string Route => route;
    public Guid StreamId => streamId;
    public string Tenant => context.Caller.Jurisdiction;

    /// <summary>The committed outcome, or null: the command was not committed and runs alone.</summary>
    public TaskCompletionSource<Outcome?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Takes the command's asset from <paramref name="held"/>, or asks for its document in the
    /// group's read, or queues its own read on <paramref name="batch"/>.</summary>
    public abstract GroupRead Prefetch(IBatchedQuery batch, IDocumentSession session, Assets.HeldAssets held);

    /// <summary>After the batch ran: the acceptance (its events appended to the group's session) and
    /// the stream's chain head when the read carries it, or no acceptance (the command runs alone).
    /// <paramref name="documents"/> holds the asset documents the group read, by id.</summary>
    public abstract Task<(Outcome.Done? Done, Audit.ChainHead? Head)> DecideAsync(IDocumentSession session, Instant now,
        IReadOnlyDictionary<Guid, Asset> documents);
}

/// <summary>A command in a group decides with the same function as alone (<see cref="CommandExecutor.ApplyAsync"/>).</summary>
internal sealed class GroupMember<T>(StreamCommand<T> command) : GroupMember(command.Context, command.Route, command.StreamId) where T : class
{
    private GroupRead? read;
    private Task<JasperFx.Events.IEventStream<T>>? fetched;

    public override GroupRead Prefetch(IBatchedQuery batch, IDocumentSession session, Assets.HeldAssets held)
    {
        if (!command.FromAssetDocument || typeof(T) != typeof(Asset))
        {
            fetched = command.Fetch(batch);
            read = GroupRead.Queued;
        }
        // A held asset stands in for the read (HeldAssets).
        else if (held.TryTake(Tenant, StreamId, out var asset, out var version) && Attached(session, asset, version) is { } stream)
        {
            fetched = Task.FromResult(stream);
            read = GroupRead.None;
        }
        else read = GroupRead.AssetDocument;
        return read.Value;
    }

    public override async Task<(Outcome.Done?, Audit.ChainHead?)> DecideAsync(IDocumentSession session, Instant now,
        IReadOnlyDictionary<Guid, Asset> documents)
    {
        var stream = read switch
        {
            null => throw new InvalidOperationException("DecideAsync before Prefetch."),
            // The document at the version it carries: every event on an asset stream sets the
            // document's version (Asset.Evolve) and the document is written in the transaction of its
            // events, so it names the version it folds. A stream that moved since the read is refused
            // before anything is written, and the command runs alone.
            GroupRead.AssetDocument => documents.TryGetValue(StreamId, out var asset) ? Attached(session, asset, asset.Version) : null,
            _ => await fetched!,
        };
        // No such document in the command's jurisdiction: alone, the command reads its stream and answers.
        if (stream is null) return (null, null);
        var done = await CommandExecutor.ApplyAsync(command, new CommandScope<T>(session, stream, now, CancellationToken.None), alone: false) as Outcome.Done;
        return (done, done is not null && stream.Aggregate is { } aggregate ? command.HeadOf?.Invoke(aggregate) : null);
    }

    /// <summary>
    /// The asset's stream as <paramref name="asset"/> describes it, appends expecting <paramref name="version"/>;
    /// the document attached to the session, so the inline projection folds onto it as onto a fetched
    /// one. Null when the session keeps its documents in a shape <see cref="Assets.HeldAssets.Attach"/> does not know.
    /// </summary>
    private static JasperFx.Events.IEventStream<T>? Attached(IDocumentSession session, Asset asset, long version) =>
        Assets.HeldAssets.Attach(session, asset)
            ? (JasperFx.Events.IEventStream<T>)(object)new Assets.DocumentStream(session, asset, version)
            : null;
}

/// <summary>
/// Group commit: commands that arrive while a transaction is in flight are committed together in
/// the next one: one connection, one batch of reads (the asset documents in one statement; none when every member's asset is held,
/// <see cref="Assets.HeldAssets"/>), one batch of writes and one COMMIT (one WAL flush) for the whole
/// group instead of for each command. Nothing waits for a group to fill: a
/// worker takes whatever is queued (up to <see cref="MaxGroup"/>, one jurisdiction per group), so a
/// lone command commits at once, and under load groups grow by themselves.
/// <para>
/// Each command keeps what it has alone: its own envelope on its events, its own chain hashes, its
/// idempotency record in the same transaction as its events. Only plain acceptances on the
/// command's own stream are grouped (a <see cref="StreamCommand{T}.Groupable"/> command whose verdict
/// needs nothing <see cref="Verdict.Accept.Beyond"/> it); anything else (a refusal, which may be a
/// replay to answer from its record, or events that also write to another stream) runs alone, as does every member of
/// a group that fails to commit (a race, a used key, an outage): alone, the command retries races,
/// answers replays and reports outages exactly as it would have without the group.
/// </para>
/// </summary>
public sealed class GroupCommitter : IAsyncDisposable, IDisposable
{
    public const int MaxGroup = 32;
    private static readonly IReadOnlyDictionary<Guid, Asset> NoDocuments = new Dictionary<Guid, Asset>();
    /// <summary>Workers by default (configuration <c>Commands:GroupCommitWorkers</c>): one group is
    /// built while the other waits for its COMMIT.</summary>
    public const int DefaultWorkers = 2;

    private readonly IDocumentStore store;
    private readonly NpgsqlDataSource dataSource;
    private readonly IClock clock;
    private readonly Audit.ChainStamper chain;
    private readonly Assets.AssetStatusCache statusCache;
    private readonly Assets.HeldAssets held;
    private readonly ILogger log;
    private readonly Channel<GroupMember> queue = Channel.CreateUnbounded<GroupMember>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Task[] workers;

    public GroupCommitter(IDocumentStore store, NpgsqlDataSource dataSource, IClock clock, Audit.ChainStamper chain,
        Assets.AssetStatusCache statusCache, Assets.HeldAssets held, ILogger log, int workerCount = DefaultWorkers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workerCount, 1);
        (this.store, this.dataSource, this.clock, this.chain, this.statusCache, this.held, this.log) = (store, dataSource, clock, chain, statusCache, held, log);
        // Each worker holds one connection while its group commits; more workers, smaller groups.
        workers = Enumerable.Range(0, workerCount).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    /// <summary>The committed outcome, or null when the command must run alone.</summary>
    internal Task<Outcome?> SubmitAsync(GroupMember member) =>
        queue.Writer.TryWrite(member) ? member.Result.Task : Task.FromResult<Outcome?>(null);

    private async Task WorkAsync()
    {
        var group = new List<GroupMember>(MaxGroup);
        GroupMember? carried = null;
        while (carried is not null || await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            if (carried is not null) group.Add(carried);
            carried = null;
            while (group.Count < MaxGroup && queue.Reader.TryRead(out var next))
            {
                if (group.Count > 0 && next.Tenant != group[0].Tenant)
                {
                    carried = next; // another jurisdiction (Marten tenant): it starts the next group
                    break;
                }
                group.Add(next);
            }
            if (group.Count > 0) await CommitAsync(group).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(List<GroupMember> group)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            // No session-wide envelope: each command's events carry their own (Envelope.Stamp).
            await using var session = CommandExecutor.OpenWriteSession(store, transaction, group[0].Tenant, out var commit);

            var batch = session.CreateBatchQuery();
            var queued = false;
            List<Guid>? documentIds = null;
            foreach (var member in group)
                switch (member.Prefetch(batch, session, held))
                {
                    case GroupRead.Queued: queued = true; break;
                    case GroupRead.AssetDocument: (documentIds ??= new(group.Count)).Add(member.StreamId); break;
                }
            // The asset documents the members decide from, in one statement. A group whose members all
            // decide from held assets makes no read round trip.
            var documentsRead = documentIds is null ? null : batch.LoadMany<Asset>().ByIdList(documentIds);
            if (queued || documentsRead is not null) await batch.Execute();
            IReadOnlyDictionary<Guid, Asset> documents = documentsRead is null ? NoDocuments : (await documentsRead).ToDictionary(a => a.Id);

            var now = clock.GetCurrentInstant();
            var accepted = new List<(GroupMember Member, Outcome.Done Done)>(group.Count);
            foreach (var member in group)
            {
                var (done, head) = await member.DecideAsync(session, now, documents);
                if (done is null)
                {
                    member.Result.TrySetResult(null);
                    continue;
                }
                var actions = session.PendingChanges.Streams().Where(a => a.Id == member.StreamId).ToList();
                foreach (var action in actions) Envelope.Stamp(action.Events, member.Context, now);
                await CommandExecutor.SealAsync(chain, session, connection, member.Context, member.Route, member.StreamId, now, head, CancellationToken.None, actions);
                accepted.Add((member, done));
            }
            if (accepted.Count == 0) return;
            await CommandExecutor.CommitAsync(statusCache, held, session, commit, group[0].Tenant, CancellationToken.None);
            foreach (var (member, done) in accepted) member.Result.TrySetResult(done);
        }
        catch (Exception ex) when (CommandExecutor.IsRace(ex) || ErrorHandlingMiddleware.IsDatabaseUnavailable(ex))
        {
            // Expected: a used key, another process's write, an outage. Alone, each command deals with it.
            log.LogDebug("A group of {Count} commands did not commit together ({Reason}); each runs alone", group.Count, ex.GetType().Name);
        }
        catch (Exception ex)
        {
            // Not expected: a bug. Logged as one; the commands still get their answers by running alone.
            log.LogError(ex, "A group of {Count} commands failed; each runs alone", group.Count);
        }
        finally
        {
            foreach (var member in group) member.Result.TrySetResult(null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Queued members are still committed (or handed back) by the workers before they stop.
        queue.Writer.TryComplete();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    /// <summary>For a container disposed synchronously: stops taking commands; the workers finish what is queued.</summary>
    public void Dispose() => queue.Writer.TryComplete();
}
