using Microsoft.Extensions.DependencyInjection;
using Marten;
using NodaTime;

namespace AssetLedger.Api.Tests.Infrastructure;

/// <summary>What a test needs to append an asset event through the store itself, past the executor.</summary>
public static class DirectWrites
{
    public static readonly Instant At = Instant.FromUtc(2026, 3, 2, 10, 0);

    /// <summary>The headers the inline asset projection reads (recording time, chain hash), with a placeholder hash.</summary>
    public static void Envelope(IDocumentSession session)
    {
        session.SetHeader(global::AssetLedger.Api.Infrastructure.Envelope.RecordedAtHeader, global::AssetLedger.Api.Infrastructure.Envelope.Format(At));
        session.SetHeader(global::AssetLedger.Api.Audit.AuditChain.HashHeader, new string('0', 64));
    }

    public static AssetLedger.Assets.CustodyTransferred Transfer(string to) => new(to, "Depot 1", At, null);

    /// <summary>
    /// A command's write session (<see cref="global::AssetLedger.Api.Infrastructure.CommandExecutor.OpenWriteSession"/>)
    /// on a connection and transaction of its own, with <paramref name="asset"/>'s stream fetched for writing.
    /// </summary>
    public static async Task<WriteSession> OpenWriteSessionAsync(ApiFixture fixture, Guid asset)
    {
        var connection = await fixture.Host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        var session = global::AssetLedger.Api.Infrastructure.CommandExecutor.OpenWriteSession(fixture.Store, transaction, "NL", out var commit);
        var stream = await session.Events.FetchForWriting<AssetLedger.Assets.Asset>(asset);
        return new WriteSession(fixture, connection, transaction, session, commit, stream);
    }
}

/// <summary>See <see cref="DirectWrites.OpenWriteSessionAsync"/>: disposing it disposes the session, the transaction and the connection.</summary>
public sealed record WriteSession(ApiFixture Fixture, Npgsql.NpgsqlConnection Connection, Npgsql.NpgsqlTransaction Transaction,
    IDocumentSession Session, global::AssetLedger.Api.Infrastructure.BatchCommit Commit, JasperFx.Events.IEventStream<AssetLedger.Assets.Asset> Stream) : IAsyncDisposable
{
    /// <summary>A custody transfer appended to the fetched stream, with the envelope's headers.</summary>
    public void Transfer(string to)
    {
        DirectWrites.Envelope(Session);
        Stream.AppendOne(DirectWrites.Transfer(to));
    }

    /// <summary>Commits as commands do (<see cref="global::AssetLedger.Api.Infrastructure.CommandExecutor.CommitAsync"/>).</summary>
    public Task CommitAsync() => global::AssetLedger.Api.Infrastructure.CommandExecutor.CommitAsync(
        Fixture.Host.Services.GetRequiredService<global::AssetLedger.Api.Assets.AssetStatusCache>(),
        Fixture.Host.Services.GetRequiredService<global::AssetLedger.Api.Assets.HeldAssets>(), Session, Commit, "NL", CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
