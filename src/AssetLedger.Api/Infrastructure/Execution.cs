using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JasperFx;
using Marten.Exceptions;
using Marten.Services.BatchQuerying;
using NodaTime;
using Npgsql;

namespace AssetLedger.Api.Infrastructure;

/// <summary>Everything a command carries besides its own fields.</summary>
public sealed record CommandContext(
    Caller Caller, string Role, Guid CommandId, string Fingerprint, string CorrelationId, long? ExpectedVersion);

/// <summary>What a command handler returns; the endpoint turns it into HTTP.</summary>
public abstract record Outcome
{
    public sealed record Done(object Body, long Version, bool Created = false, string? Location = null) : Outcome;
    public sealed record NotFound(string Detail) : Outcome;
    public sealed record Conflict(string Detail) : Outcome;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Outcome;
    public sealed record Unavailable(string Detail) : Outcome;

    /// <summary>The HTTP answer. Headers are set only when the result executes, so a result that a
    /// deadline abandoned never touches the response.</summary>
    public IResult ToResult(HttpContext http) => this switch
    {
        Done { Created: true } d => new WithHeaders(Results.Json(d.Body, ApiJson.Options, statusCode: 201), h =>
        {
            h.ETag = $"\"{d.Version}\"";
            if (d.Location is not null) h.Location = d.Location;
        }),
        Done d => new WithHeaders(Results.Json(d.Body, ApiJson.Options), h => h.ETag = $"\"{d.Version}\""),
        NotFound n => Problems.NotFound(n.Detail),
        Conflict c => Problems.Conflict(c.Detail),
        Invalid i => Problems.Validation(i.Errors),
        Unavailable u => Problems.Unavailable(u.Detail),
        _ => throw new InvalidOperationException(GetType().Name),
    };
}

/// <summary>An IResult that sets response headers as it executes.</summary>
public sealed class WithHeaders(IResult inner, Action<IHeaderDictionary> set) : IResult
{
    public Task ExecuteAsync(HttpContext http)
    {
        set(http.Response.Headers);
        return inner.ExecuteAsync(http);
    }
}

/// <summary>A 200 with a JSON body already serialised (by <see cref="ApiJson.Options"/>) and its version as ETag.</summary>
public sealed class JsonBytesResult(byte[] body, long version) : IResult
{
    public Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        response.Headers.ETag = $"\"{version}\"";
        return response.Body.WriteAsync(body, 0, body.Length, http.RequestAborted);
    }
}

/// <summary>The idempotency record of one client key, written in the same transaction as the events.</summary>
public sealed class CommandRecord
{
    public string Id { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public string Route { get; set; } = "";
    public Guid StreamId { get; set; }
    public Instant RecordedAt { get; set; }
}

/// <summary>What a command decided on its stream: the events to append with the answer, or a refusal.</summary>
public abstract record Verdict
{
    /// <summary>
    /// Events for the command's own stream and the answer folded from them. <see cref="Beyond"/> is
    /// what the events need written elsewhere (an order's stream, the assets of a case), or null:
    /// then the events touch their stream only and the command may be committed with others.
    /// </summary>
    public sealed record Accept(IReadOnlyList<object> Events, Outcome.Done Answer) : Verdict
    {
        public Func<IDocumentSession, CancellationToken, Task<Outcome?>>? Beyond { get; init; }
    }

    public sealed record Refuse(Outcome Refusal) : Verdict;

    public static Verdict Conflict(string detail) => new Refuse(new Outcome.Conflict(detail));
    public static Verdict NotFound(string detail) => new Refuse(new Outcome.NotFound(detail));

    /// <summary>
    /// The 409 of a creation whose id names an existing stream of another kind (an order's, an asset's, a
    /// case's or a certificate's: their ids share one space), or null. Appending to it would build the new
    /// resource on another one's events.
    /// </summary>
    public static Verdict? IdTaken<T>(JasperFx.Events.IEventStream<T> stream, string what) where T : class =>
        IdTakenReason(stream, what) is { } reason ? Conflict(reason) : null;

    /// <summary>The reason of <see cref="IdTaken{T}"/>, or null.</summary>
    public static string? IdTakenReason<T>(JasperFx.Events.IEventStream<T> stream, string what) where T : class =>
        stream.Aggregate is null && stream.StartingVersion is > 0 ? IdTakenReason(stream.Id, what) : null;

    public static string IdTakenReason(Guid id, string what) => $"The id {id} already names another resource; {what} needs an id of its own.";

    /// <summary>The 409 of a command whose <c>expectedVersion</c> is not the stream's version, or null (none given, or it matches).</summary>
    public static Verdict? Stale(CommandContext context, string what, long version) =>
        context.ExpectedVersion is { } expected && expected != version
            ? Conflict($"The {what} is at version {version}, not the expected {expected}.")
            : null;
}

/// <summary>What a decision sees: the fetched stream, the clock's instant and the session it runs in.</summary>
public sealed record CommandScope<T>(IDocumentSession Session, JasperFx.Events.IEventStream<T> Stream, Instant Now, CancellationToken Ct) where T : class;

/// <summary>One command on one stream, as <see cref="CommandExecutor"/> runs it.</summary>
public sealed record StreamCommand<T>(CommandContext Context, string Route, Guid StreamId) where T : class
{
    /// <summary>The stream the command decides on (usually <c>FetchForWriting</c>), queued on the batch
    /// that also reads the chain head and, on a retry, the key's record: one round trip.</summary>
    public required Func<IBatchedQuery, Task<JasperFx.Events.IEventStream<T>>> Fetch { get; init; }

    /// <summary>The decision. A <see cref="Groupable"/> command decides from the fetched stream alone.</summary>
    public required Func<CommandScope<T>, Task<Verdict>> Decide { get; init; }

    /// <summary>The answer to a replay of the key: the resource as it is now.</summary>
    public required Func<IDocumentSession, Task<Outcome>> Represent { get; init; }

    /// <summary>The chain head carried by the fetched aggregate itself (an asset document); null: a
    /// <see cref="Audit.ChainHead"/> document is read with the batch.</summary>
    public Func<T, Audit.ChainHead?>? HeadOf { get; init; }

    /// <summary>Whether the decision reads nothing but the fetched stream, so that its acceptances
    /// without <see cref="Verdict.Accept.Beyond"/> may share a transaction (<see cref="GroupCommitter"/>).</summary>
    public bool Groupable { get; init; }

    /// <summary>Whether <see cref="Fetch"/> is <c>FetchForWriting</c> of the asset <see cref="StreamId"/>, so that in a
    /// group the asset's document alone, at the version it carries, may stand in for the read: one this process
    /// has just committed (<see cref="Assets.HeldAssets"/>), or else one read with the other members' documents.</summary>
    public bool FromAssetDocument { get; init; }
}

/// <summary>
/// Runs one command: idempotency check, decision, append, idempotency record, one commit.
/// Idempotency is atomic with the append (the record's primary key refuses a second insert in the
/// same transaction as the events), and optimistic-concurrency losers re-decide against the new
/// state, so concurrent replays all see the winner's record and concurrent commands serialise.
/// </summary>
public sealed class CommandExecutor(IDocumentStore store, NpgsqlDataSource dataSource, IClock clock, Audit.ChainStamper chain,
    Assets.AssetStatusCache statusCache, Assets.HeldAssets held, IConfiguration configuration, ILogger<CommandExecutor> log) : IAsyncDisposable, IDisposable
{
    // Commands that can be committed together are (configuration Commands:GroupCommit, default true).
    private readonly GroupCommitter? groups = configuration.GetValue("Commands:GroupCommit", true)
        ? new GroupCommitter(store, dataSource, clock, chain, statusCache, held, log, GroupWorkers(configuration))
        : null;

    /// <summary>Group-commit workers (<c>Commands:GroupCommitWorkers</c>); checked when the host is built, so
    /// a bad value stops the start instead of failing the first command.</summary>
    internal static int GroupWorkers(IConfiguration configuration)
    {
        var workers = configuration.GetValue("Commands:GroupCommitWorkers", GroupCommitter.DefaultWorkers);
        return workers >= 1 ? workers
            : throw new InvalidOperationException($"Commands:GroupCommitWorkers must be at least 1 (it is {workers}).");
    }

    public ValueTask DisposeAsync() => groups?.DisposeAsync() ?? ValueTask.CompletedTask;

    public void Dispose() => groups?.Dispose();

    // Optimistic concurrency losers re-decide; with jittered backoff, 50 concurrent writers on one
    // stream all get through (each round lets at least one commit).
    private const int MaxAttempts = 64;

    // Commands on one stream queue here in-process instead of racing each other in PostgreSQL:
    // 50 clients on one asset cost 50 decisions, not ~50²/2 lost optimistic rounds. Stripes, not
    // a lock per stream, so memory stays fixed; two streams sharing a stripe only wait their turn.
    // Another instance of the service is still caught by the optimistic check and the retry loop.
    private readonly SemaphoreSlim[] gates = Enumerable.Range(0, 1024).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<Outcome> RunAsync<T>(StreamCommand<T> command, CancellationToken ct) where T : class
    {
        var gate = gates[(int)((uint)command.StreamId.GetHashCode() % (uint)gates.Length)];
        await gate.WaitAsync(ct);
        try
        {
            // The gate is held until the group commits: two commands on one stream never share a group.
            if (groups is not null && command.Groupable
                && await groups.SubmitAsync(new GroupMember<T>(command)) is { } grouped)
                return grouped;
            return await AttemptAsync(command, ct);
        }
        catch (Exception ex) when (ErrorHandlingMiddleware.IsDatabaseUnavailable(ex))
        {
            // An outage is expected, not a bug: a warning, and the client retries with the same key.
            log.LogWarning("Database unavailable during {Route}: {Reason}", command.Route, ex.GetBaseException().Message);
            return new Outcome.Unavailable("The database did not answer; retry the request with the same id.");
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Outcome> AttemptAsync<T>(StreamCommand<T> command, CancellationToken ct) where T : class
    {
        var ctx = command.Context;
        var key = ctx.CommandId.ToString();
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            // One connection for the whole command (reads, chain heads, commit): one pool checkout.
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var session = OpenWriteSession(store, transaction, ctx.Caller.Jurisdiction, out var commit);

            // The first attempt does not read the key's record: a new key is the common case, and
            // the record's primary key refuses a used one at commit, in the same transaction as the
            // events. That refusal is a race like any other, and the next attempt reads the record
            // and answers from it. A refused decision reads the record too (below).
            var batch = session.CreateBatchQuery();
            var recordRead = attempt > 1 ? batch.Load<CommandRecord>(key) : null;
            var headRead = command.HeadOf is null ? batch.Load<Audit.ChainHead>(command.StreamId) : null;
            var streamRead = command.Fetch(batch);
            await batch.Execute(ct);
            if (recordRead is not null && await ReplayAsync(await recordRead, session, ctx, command.Represent) is { } replay) return replay;

            var stream = await streamRead;
            var now = clock.GetCurrentInstant();
            // Alone, every verdict has an outcome (only a group hands a command back, with null).
            var outcome = await ApplyAsync(command, new CommandScope<T>(session, stream, now, ct), alone: true)
                ?? throw new InvalidOperationException("A command decided alone had no outcome.");
            // A refusal may come from a concurrent replay that committed after our first look:
            // the key decides, not the state it left behind.
            if (outcome is not Outcome.Done)
                return await ReplayAsync(session, key, ctx, command.Represent, ct) ?? outcome;

            Envelope.Stamp(session, ctx, now);
            var head = command.HeadOf is null ? await headRead! : stream.Aggregate is { } aggregate ? command.HeadOf(aggregate) : null;
            await SealAsync(chain, session, connection, ctx, command.Route, command.StreamId, now, head, ct);
            try
            {
                await CommitAsync(statusCache, held, session, commit, ctx.Caller.Jurisdiction, ct);
                return outcome;
            }
            catch (Exception ex) when (IsRace(ex))
            {
                log.LogDebug("Command {CommandId} on {Route} lost a race (attempt {Attempt}): {Reason}", key, command.Route, attempt, ex.GetType().Name);
                // The first retry is at once: it is usually a used key (answered from its record) or
                // a writer in another process that has committed by now. Later ones back off.
                if (attempt > 1) await Task.Delay(Random.Shared.Next(0, Math.Min(2 << Math.Min(attempt, 5), 40)), ct);
            }
        }
        log.LogInformation("Command {CommandId} on {Route} gave up after {Attempts} attempts", key, command.Route, MaxAttempts);
        return new Outcome.Conflict("The resource is changing too quickly; retry the request.");
    }

    /// <summary>
    /// Decides and appends: the acceptance's events go to the command's stream, then whatever they need
    /// beyond it. In a group (<paramref name="alone"/> false) an acceptance that needs more than its own
    /// stream, like a refusal, appends nothing and returns null: the command then runs alone.
    /// </summary>
    internal static async Task<Outcome?> ApplyAsync<T>(StreamCommand<T> command, CommandScope<T> scope, bool alone) where T : class
    {
        switch (await command.Decide(scope))
        {
            case Verdict.Accept accept when alone || accept.Beyond is null:
                scope.Stream.AppendMany(accept.Events);
                if (accept.Beyond is not null && await accept.Beyond(scope.Session, scope.Ct) is { } refusal) return refusal;
                return accept.Answer;
            case Verdict.Accept:
                return null;
            case Verdict.Refuse refuse:
                return alone ? refuse.Refusal : null;
            case var other:
                throw new InvalidOperationException($"Unknown verdict {other.GetType().Name}.");
        }
    }

    /// <summary>
    /// What a command writes besides its events and their envelope, alone or in a group: the events'
    /// chain hashes (of <paramref name="only"/>, or of every stream the session touches) and the
    /// command's idempotency record, in the same transaction.
    /// </summary>
    internal static async Task SealAsync(Audit.ChainStamper chain, IDocumentSession session, NpgsqlConnection connection, CommandContext ctx,
        string route, Guid streamId, Instant now, Audit.ChainHead? head, CancellationToken ct, IReadOnlyList<JasperFx.Events.StreamAction>? only = null)
    {
        await chain.StampAsync(session, connection, ctx, Envelope.Format(now), head, ct, only);
        var key = ctx.CommandId.ToString();
        StrictInsert.Queue(session, key, new CommandRecord { Id = key, Fingerprint = ctx.Fingerprint, Route = route, StreamId = streamId, RecordedAt = now });
    }

    /// <summary>
    /// Commits a command's (or a group's) session, alone or in a group: past the status cache's write
    /// guard (<see cref="Assets.StatusCacheLease.QueueGuard"/>, in the same batch as the writes), bracketed
    /// so that the cache drops the answers of every stream it appends to before the command is answered.
    /// The session is one of <see cref="OpenWriteSession"/>: its batch ends with the COMMIT (or, a batch of
    /// more pages, the transaction commits after it; <see cref="BatchCommit"/>).
    /// </summary>
    public static async Task CommitAsync(Assets.AssetStatusCache statusCache, Assets.HeldAssets held, IDocumentSession session, BatchCommit commit,
        string tenant, CancellationToken ct)
    {
        Assets.StatusCacheLease.QueueGuard(statusCache, session);
        var streams = session.PendingChanges.Streams().ToList();
        // Whatever the outcome, no held asset of these streams is used again; only success puts them back.
        held.Forget(tenant, streams);
        // The inline projection then leaves the asset documents it writes in the session, for KeepCommitted.
        if (held.Enabled) session.UseIdentityMapFor<Asset>();
        using (statusCache.BeginWrite(tenant, streams.Select(a => a.Id)))
        {
            await session.SaveChangesAsync(ct);
            // The batch ran to its end without an error: its last statement, the COMMIT, ran too, or (a
            // batch of more pages) the transaction commits now, inside the bracket like the COMMIT. A
            // session without either leaves the transaction to be rolled back: a bug, never a silent loss.
            await commit.CompleteAsync(ct);
        }
        held.KeepCommitted(session, tenant, streams);
    }

    /// <summary>
    /// A command's (or a group's) session on <paramref name="transaction"/>, which Marten neither
    /// commits nor rolls back: its COMMIT is the last statement of the write batch
    /// (<paramref name="commit"/>), so the writes and the commit are one round trip. A batch that fails
    /// on the server stops before the COMMIT, and disposing the transaction rolls it back.
    /// <para>
    /// Marten checks some results only after the whole batch has run, after the COMMIT: every refusal
    /// must therefore come from the server. Keys that must be new are written with a plain insert
    /// (<see cref="StrictInsert"/>); a stream that moved is refused by Marten before the batch, or by the
    /// unique index on the stream's versions inside it (docs/architecture.md). A check that failed only
    /// on the client after the COMMIT would be a bug: Marten would report a refusal of a write that
    /// committed. <c>Reliability/when_a_stream_moves_before_the_commit</c> and
    /// <c>Reliability/when_a_command_commits_in_its_write_batch</c> hold the code to this.
    /// </para>
    /// </summary>
    public static IDocumentSession OpenWriteSession(IDocumentStore store, NpgsqlTransaction transaction, string tenant, out BatchCommit commit)
    {
        var options = Marten.Services.SessionOptions.ForTransaction(transaction, shouldAutoCommit: false);
        options.TenantId = tenant;
        commit = new BatchCommit(transaction);
        options.Listeners.Add(commit);
        return store.LightweightSession(options);
    }

    private async Task<Outcome?> ReplayAsync(IDocumentSession session, string key, CommandContext ctx,
        Func<IDocumentSession, Task<Outcome>> represent, CancellationToken ct) =>
        await ReplayAsync(await session.LoadAsync<CommandRecord>(key, ct), session, ctx, represent);

    /// <summary>What an existing record of the key answers: nothing (no record), the current
    /// representation (the same request again), or a conflict (another request under that key).
    /// A replay may stand for a commit whose outcome its first attempt never learnt, applied after that
    /// attempt's bracket ended: the status cache drops every answer before the replay is answered.</summary>
    private async Task<Outcome?> ReplayAsync(CommandRecord? existing, IDocumentSession session, CommandContext ctx,
        Func<IDocumentSession, Task<Outcome>> represent)
    {
        if (existing is null) return null;
        if (existing.Fingerprint != ctx.Fingerprint) return new Outcome.Conflict($"The id {existing.Id} was already used for a different request.");
        statusCache.DropAll();
        return await represent(session);
    }

    /// <summary>
    /// A concurrent writer got there first: a stale stream version, a stream or key that now exists,
    /// a serialization failure or a deadlock (seen between the status cache's guard and a lease
    /// handover). The retry either commits, meets an outage (503), or finds the key's record and
    /// answers from it.
    /// </summary>
    public static bool IsRace(Exception ex) => ex switch
    {
        ConcurrencyException => true,
        ExistingStreamIdCollisionException => true,
        DocumentAlreadyExistsException => true,
        JasperFx.Events.StreamLockedException => true,
        Marten.Exceptions.StreamLockedException => true,
        PostgresException { SqlState: "23505" or "40001" or "40P01" } => true,
        _ => ex.InnerException is { } inner && IsRace(inner),
    };

    private static readonly JsonSerializerOptions FingerprintJson = CreateFingerprintJson();

    private static JsonSerializerOptions CreateFingerprintJson()
    {
        var o = ApiJson.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        o.Converters.Insert(0, new NormalizedDecimalConverter());
        return o;
    }

    /// <summary>50, 50.0 and "50.00" are one number: decimals are compared without trailing zeros.</summary>
    private sealed class NormalizedDecimalConverter : System.Text.Json.Serialization.JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteRawValue((value / 1.0000000000000000000000000000m).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A stable hash of the parsed request (not the raw JSON): 120000 and "120000.00" are the same
    /// amount, and an absent optional field equals null, because both parse to the same record.
    /// </summary>
    public static string Fingerprint(string route, object parsed)
    {
        var json = JsonSerializer.Serialize(parsed, parsed.GetType(), FingerprintJson);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(route + "\n" + json)));
    }

    /// <summary>The fingerprint of a command that may carry an expected version: the same as without one when it carries none.</summary>
    public static string Fingerprint(string route, object parsed, long? expectedVersion) =>
        Fingerprint(expectedVersion is { } v ? $"{route}\nexpectedVersion={v}" : route, parsed);
}

/// <summary>
/// Places one session's COMMIT (<see cref="CommandExecutor.OpenWriteSession"/>): as the last statement
/// of its write batch when the batch is one page, so the writes and the commit are one round trip.
/// Session listeners run after the store's, after Marten has queued the events' and the inline
/// projections' operations and sorted them, just before it builds the batch from them: nothing is
/// queued after it. The statements of one page run until the first error and skip the rest, COMMIT
/// included.
/// <para>
/// A batch of more pages (Marten pages at <c>UpdateBatchSize</c> operations, 500: a case command on
/// about 160 assets or more) runs its later pages even after a check of an earlier page failed on the
/// client, so a COMMIT on its last page could commit a write Marten then reports as failed. Such a
/// batch gets no COMMIT in it: <see cref="CompleteAsync"/> commits the transaction once
/// <c>SaveChangesAsync</c> has returned without an error, one round trip more for a large command.
/// </para>
/// </summary>
public sealed class BatchCommit(NpgsqlTransaction transaction) : Marten.DocumentSessionListenerBase
{
    public enum Placement { None, InBatch, AfterBatch }

    /// <summary>Where the COMMIT went: nowhere yet, into the batch, or after it (<see cref="CompleteAsync"/>).</summary>
    public Placement Placed { get; private set; }

    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        // A second batch would run after the COMMIT, outside any transaction.
        if (Placed != Placement.None) throw new InvalidOperationException("A write session commits once: its first batch placed the COMMIT.");
        if (OperationsAtMost(session) + 1 < session.DocumentStore.Options.UpdateBatchSize)
        {
            session.QueueSqlCommand("commit");
            Placed = Placement.InBatch;
        }
        else Placed = Placement.AfterBatch;
        return Task.CompletedTask;
    }

    /// <summary>
    /// At least as many operations as Marten's batch holds. Its documents' operations are counted
    /// exactly; an event stream's are one per event and one for the stream row, with tags and version
    /// checks (none used here today) allowed for by counting each event twice.
    /// </summary>
    public static int OperationsAtMost(IDocumentSession session) =>
        session.PendingChanges.Operations().Count() + session.PendingChanges.Streams().Sum(s => 2 * s.Events.Count + 2);

    /// <summary>After a <c>SaveChangesAsync</c> that returned without an error: nothing more when the batch
    /// ended with the COMMIT, the transaction's commit when it could not.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        switch (Placed)
        {
            case Placement.InBatch: return;
            case Placement.AfterBatch: await transaction.CommitAsync(ct); return;
            default: throw new InvalidOperationException("The write batch had no COMMIT: the session was not opened with CommandExecutor.OpenWriteSession.");
        }
    }
}
