using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JasperFx;
using Marten;
using Marten.Exceptions;
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

    public IResult ToResult(HttpContext http)
    {
        switch (this)
        {
            case Done { Created: true } d:
                http.Response.Headers.ETag = $"\"{d.Version}\"";
                if (d.Location is not null) http.Response.Headers.Location = d.Location;
                return Results.Json(d.Body, ApiJson.Options, statusCode: 201);
            case Done d:
                http.Response.Headers.ETag = $"\"{d.Version}\"";
                return Results.Json(d.Body, ApiJson.Options);
            case NotFound n: return Problems.NotFound(n.Detail);
            case Conflict c: return Problems.Conflict(c.Detail);
            case Invalid i: return Problems.Validation(i.Errors);
            default: throw new InvalidOperationException(GetType().Name);
        }
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

/// <summary>
/// Runs one command: idempotency check, decision, append, idempotency record, one commit.
/// Idempotency is atomic with the append (the record's primary key refuses a second insert in the
/// same transaction as the events), and optimistic-concurrency losers re-decide against the new
/// state, so concurrent replays all see the winner's record and concurrent commands serialise.
/// </summary>
public sealed class CommandExecutor(IDocumentStore store, IClock clock, Audit.ChainStamper chain, ILogger<CommandExecutor> log)
{
    private const int MaxAttempts = 6;

    public IClock Clock => clock;

    public async Task<Outcome> RunAsync(
        CommandContext ctx, string route, Guid streamId,
        Func<IDocumentSession, Instant, Task<Outcome>> decideAndAppend,
        Func<IDocumentSession, Task<Outcome>> represent,
        CancellationToken ct)
    {
        var key = ctx.CommandId.ToString();
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            await using var session = store.LightweightSession(ctx.Caller.Jurisdiction);
            var existing = await session.LoadAsync<CommandRecord>(key, ct);
            if (existing is not null)
                return existing.Fingerprint == ctx.Fingerprint
                    ? await represent(session)
                    : new Outcome.Conflict($"The id {key} was already used for a different request.");

            var now = clock.GetCurrentInstant();
            var outcome = await decideAndAppend(session, now);
            if (outcome is not Outcome.Done) return outcome;

            Envelope.Stamp(session, ctx, now);
            await chain.StampAsync(session, ctx, Envelope.Format(now), ct);
            session.Insert(new CommandRecord { Id = key, Fingerprint = ctx.Fingerprint, Route = route, StreamId = streamId, RecordedAt = now });
            try
            {
                await session.SaveChangesAsync(ct);
                return outcome;
            }
            catch (Exception ex) when (IsRace(ex))
            {
                log.LogInformation("Command {CommandId} on {Route} lost a race (attempt {Attempt}): {Reason}", key, route, attempt, ex.GetType().Name);
            }
        }
        return new Outcome.Conflict("The resource is changing too quickly; retry the request.");
    }

    /// <summary>A concurrent writer got there first: a stale stream version, a stream or key that now exists.</summary>
    public static bool IsRace(Exception ex) => ex switch
    {
        ConcurrencyException => true,
        ExistingStreamIdCollisionException => true,
        DocumentAlreadyExistsException => true,
        _ when ex.GetType().Name.Contains("StreamLocked", StringComparison.Ordinal) => true,
        PostgresException { SqlState: "23505" or "40001" or "40P01" } => true,
        _ => ex.InnerException is { } inner && IsRace(inner),
    };

    /// <summary>
    /// A stable hash of the parsed request (not the raw JSON): 120000 and "120000.00" are the same
    /// amount, and an absent optional field equals null, because both parse to the same record.
    /// </summary>
    public static string Fingerprint(string route, object parsed)
    {
        var json = JsonSerializer.Serialize(parsed, parsed.GetType(), ApiJson.Options);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(route + "\n" + json)));
    }
}
