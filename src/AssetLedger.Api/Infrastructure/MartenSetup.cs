using AssetLedger.Api.Cases.Opening;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten.Events.Aggregation;
using JasperFx.MultiTenancy;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Npgsql;
using Weasel.Core;

namespace AssetLedger.Api.Infrastructure;

// Inline single-stream projections only: each folds one stream with the core's pure Evolve, in the
// same transaction as the append, so reads and decisions see every acknowledged write.

public sealed class AssetProjection : SingleStreamProjection<Asset, Guid>
{
    // Only asset events: Marten then never looks for an Asset document of a case or order stream.
    public AssetProjection()
    {
        EventTypes.Include<IAssetEvent>(this);
        EventTypes.RebuildInLargePages(this);
    }

    public override Asset? Evolve(Asset? snapshot, Guid id, IEvent e) =>
        Fold(snapshot, e.Data, e.Version, () => Envelope.RecordedAtOf(e), Envelope.HashOf(e));

    /// <summary>
    /// The fold itself, shared with <see cref="Ops.ProjectionRebuilder"/>. The document also keeps
    /// the event's chain hash, so that the next command on the asset reads its chain head with it
    /// (see <see cref="Audit.ChainStamper"/>).
    /// </summary>
    public static Asset? Fold(Asset? snapshot, object data, long version, Func<Instant> recordedAt, string? chainHash) =>
        FoldWithoutHash(snapshot, data, version, recordedAt) is { } folded && !ReferenceEquals(folded, snapshot)
            ? folded with { ChainHash = chainHash }
            : snapshot;

    /// <summary>
    /// <see cref="Fold"/> without the chain hash: the snapshot itself when the event does not apply,
    /// else a new document. The rebuild sets the hash of the last event that applied once, as it
    /// writes the document, instead of a copy of the document per event.
    /// </summary>
    public static Asset? FoldWithoutHash(Asset? snapshot, object data, long version, Func<Instant> recordedAt) =>
        data is AssetRegistered || (snapshot is not null && data is IAssetEvent)
            ? Asset.Evolve(snapshot, data, version, recordedAt())
            : snapshot;
}

public sealed class CaseProjection : SingleStreamProjection<Case, Guid>
{
    public CaseProjection()
    {
        EventTypes.Include<ICaseEvent>(this);
        EventTypes.RebuildInLargePages(this);
    }

    public override Case? Evolve(Case? snapshot, Guid id, IEvent e) => Fold(snapshot, e.Data, e.Version);

    /// <summary>The fold itself, shared with <see cref="Ops.ProjectionRebuilder"/>.</summary>
    public static Case? Fold(Case? snapshot, object data, long version) =>
        data is CaseOpened || (snapshot is not null && data is ICaseEvent)
            ? Case.Evolve(snapshot, data, version)
            : snapshot;
}

/// <summary>The fields the case list filters and sorts on (<see cref="CaseListing"/>), apart from the decision state.</summary>
public sealed class CaseListingProjection : SingleStreamProjection<CaseListing, Guid>
{
    public CaseListingProjection()
    {
        IncludeType<CaseOpened>();
        IncludeType<ParticipatingAgencyAdded>();
        IncludeType<CaseClosed>();
        EventTypes.RebuildInLargePages(this);
    }

    public override CaseListing? Evolve(CaseListing? snapshot, Guid id, IEvent e) => CaseListing.Evolve(snapshot, e.Data, e.Version);
}

/// <summary>A case's balances per payee and currency, for the treasury reconciliation (<see cref="CaseBalances"/>).</summary>
public sealed class CaseBalancesProjection : SingleStreamProjection<CaseBalances, Guid>
{
    /// <summary>The events this projection reads, shared with <see cref="Ops.ProjectionRebuilder"/>.</summary>
    public static bool Includes(object data) => data is DistributionComputed or AllocationSettled;

    public CaseBalancesProjection()
    {
        IncludeType<DistributionComputed>();
        IncludeType<AllocationSettled>();
        EventTypes.RebuildInLargePages(this);
    }

    public override CaseBalances? Evolve(CaseBalances? snapshot, Guid id, IEvent e) => CaseBalances.Evolve(snapshot, id, e.Data);
}

public sealed class CourtOrderLedgerProjection : SingleStreamProjection<CourtOrderLedger, Guid>
{
    public CourtOrderLedgerProjection()
    {
        EventTypes.Include<IOrderEvent>(this);
        EventTypes.RebuildInLargePages(this);
    }

    public override CourtOrderLedger? Evolve(CourtOrderLedger? snapshot, Guid id, IEvent e) => Fold(snapshot, e.Data, e.Version);

    /// <summary>The fold itself, shared with <see cref="Ops.ProjectionRebuilder"/>.</summary>
    public static CourtOrderLedger? Fold(CourtOrderLedger? snapshot, object data, long version) =>
        data is OrderRegistered || (snapshot is not null && data is IOrderEvent)
            ? CourtOrderLedger.Evolve(snapshot, data, version)
            : snapshot;
}

public sealed class CertificateProjection : SingleStreamProjection<AssetLedger.Certificates.Certificate, Guid>
{
    public CertificateProjection()
    {
        EventTypes.Include<AssetLedger.Certificates.ICertificateEvent>(this);
        EventTypes.RebuildInLargePages(this);
    }

    public override AssetLedger.Certificates.Certificate? Evolve(AssetLedger.Certificates.Certificate? snapshot, Guid id, IEvent e) =>
        Fold(snapshot, e.Data, e.Version, () => Envelope.RecordedAtOf(e));

    /// <summary>The fold itself, shared with <see cref="Ops.ProjectionRebuilder"/>.</summary>
    public static AssetLedger.Certificates.Certificate? Fold(AssetLedger.Certificates.Certificate? snapshot, object data, long version, Func<Instant> recordedAt) =>
        data is AssetLedger.Certificates.CertificateIssued or AssetLedger.Certificates.CertificateReceived
        || (snapshot is not null && data is AssetLedger.Certificates.ICertificateEvent)
            ? AssetLedger.Certificates.Certificate.Evolve(snapshot, data, version, recordedAt())
            : snapshot;
}

/// <summary>Every concrete event type of a marker interface, for a projection's allow list.</summary>
public static class EventTypes
{
    /// <summary>
    /// A rebuild reads events in pages of this size (Marten's default is 500): fewer, larger round
    /// trips, and a stream's events are more often folded in one page, so its document is written
    /// once per page instead of once per event. Inline projections never use the daemon otherwise.
    /// </summary>
    public static void RebuildInLargePages(JasperFx.Events.Projections.ProjectionBase projection) => projection.Options.BatchSize = 10_000;

    public static void Include<TMarker>(JasperFx.Events.Projections.IEventFilterable projection)
    {
        foreach (var type in typeof(TMarker).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(TMarker).IsAssignableFrom(t)))
            projection.IncludeType(type);
    }
}

public static class MartenSetup
{
    /// <summary>
    /// Connection defaults that make an outage fail fast (R4) unless the connection string sets them:
    /// connect within 3 s, give up on a command after 3 s, and do not wait for the server to
    /// acknowledge the cancellation (a frozen server never would). Operations that need longer
    /// commands (a large projection rebuild) set their own timeouts in their connection string.
    /// </summary>
    public static string WithDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Has(params string[] keys) => keys.Any(given.ContainsKey);
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Has("Timeout")) b.Timeout = 3;
        if (!Has("Command Timeout", "CommandTimeout")) b.CommandTimeout = 3;
        if (!Has("Cancellation Timeout", "CancellationTimeout")) b.CancellationTimeout = -1;
        // Marten sends the same few statements for every command and read; prepared on each pooled
        // connection, PostgreSQL parses and plans them once instead of on every call.
        if (!Has("Max Auto Prepare", "MaxAutoPrepare")) b.MaxAutoPrepare = 64;
        if (!Has("Auto Prepare Min Usages", "AutoPrepareMinUsages")) b.AutoPrepareMinUsages = 2;
        // The service never changes session state (no SET, temp tables or advisory locks outside a
        // transaction), so a pooled connection need not be reset each time it is returned.
        if (!Has("No Reset On Close", "NoResetOnClose")) b.NoResetOnClose = true;
        return b.ConnectionString;
    }

    public const string Schema = "assetledger";

    /// <summary>
    /// The asset document's <see cref="Asset.HasDeadlines"/> as SQL: the partial index's predicate. Written
    /// as PostgreSQL gives it back (a comparison, the cast as <c>::</c>), so that Weasel can read the
    /// index back and finds it equal to the configured one (a bare cast made it fail, "NOT YET DEALING
    /// WITH ::boolean"; a <c>CAST(…)</c> made every <c>db-apply</c> recreate it).
    /// </summary>
    public const string HasDeadlinesSql = "(data ->> 'hasDeadlines')::boolean = true";

    /// <summary>An event type as Marten stores it in <c>mt_events.mt_dotnet_type</c>: full name and assembly name.</summary>
    public static string StoredTypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(WithDefaults(connectionString));
        builder.UseNodaTime();
        return builder.Build();
    }

    /// <summary>The service's store options, for a store built outside the host (command-line commands).</summary>
    public static StoreOptions Options(NpgsqlDataSource dataSource, bool autoCreate)
    {
        var opts = new StoreOptions();
        Configure(opts, dataSource, autoCreate);
        return opts;
    }

    public static void Configure(StoreOptions opts, NpgsqlDataSource dataSource, bool autoCreate)
    {
        opts.Connection(dataSource);
        // No automatic retries inside Marten: a command runs on one explicit transaction, and a
        // retried read on a broken connection would hit a completed transaction. The executor
        // decides what to retry (races) and what is an outage (503).
        opts.ConfigurePolly(_ => { });
        // Nor of commits: Marten would replay a failed batch on the command's transaction, which the
        // server has aborted (commands commit their own transactions, CommandExecutor.OpenWriteSession).
        opts.ConfigureWritePolly(_ => { });
        opts.DatabaseSchemaName = Schema;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase,
            configure: o =>
            {
                IsoTime.AddConverters(o);
                o.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
                Polymorphism.Configure(o);
                ((System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver)o.TypeInfoResolver!).Modifiers.Add(JsonbKeyOrder.Apply);
            });
        opts.AutoCreateSchemaObjects = autoCreate ? AutoCreate.CreateOrUpdate : AutoCreate.None;

        // Jurisdiction isolation in one place: every document and event carries the tenant
        // (jurisdiction) and every session is opened for the caller's jurisdiction.
        opts.Events.TenancyStyle = TenancyStyle.Conjoined;
        opts.Policies.AllDocumentsAreMultiTenanted();

        opts.Events.StreamIdentity = StreamIdentity.AsGuid;
        // Plain statements per event (insert into mt_events, a version-checked update of mt_streams)
        // instead of Marten's PL/pgSQL append function: PostgreSQL ran about a third less per
        // seizure (123 against 190 µs, docs/benchmarks.md) for one more read per commit (the event
        // sequence and the stream rows, in one batch). The stream's version is checked twice: against
        // the one FetchForWriting read, before the write, and in the update's where clause.
        opts.Events.AppendMode = EventAppendMode.Rich;
        opts.Events.MetadataConfig.HeadersEnabled = true;
        opts.Events.MetadataConfig.CorrelationIdEnabled = true;
        opts.Events.MetadataConfig.CausationIdEnabled = true;
        opts.Events.MetadataConfig.UserNameEnabled = true;

        opts.Projections.Add(new AssetProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new CaseProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new CaseListingProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new CourtOrderLedgerProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new CaseBalancesProjection(), ProjectionLifecycle.Inline);
        opts.Projections.Add(new CertificateProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<AssetLedger.Certificates.Certificate>().Index(c => c.IssuedAtUnixMs);

        opts.Schema.For<Asset>().Index(a => a.CaseId);
        // The deadline list's assets (GET /api/deadlines): a partial index holds only those with
        // deadlines, so the list reads them alone and the other assets' writes never touch it.
        opts.Schema.For<Asset>().Index(a => a.HasDeadlines, i =>
        {
            i.Predicate = HasDeadlinesSql;
            i.TenancyScope = Marten.Schema.Indexing.Unique.TenancyScope.PerTenant;
        });
        opts.Schema.For<CommandRecord>();
        opts.Schema.For<Audit.ChainHead>();
        opts.Schema.For<CaseReference>();
        opts.Schema.For<Cooperation.OutboxMessage>().Index(m => m.Delivered);
        opts.Listeners.Add(new Cooperation.OutboxCommitListener());
        opts.Storage.ExtendedSchemaObjects.AddRange(Assets.StatusCacheLease.GuardSchemaObjects());
    }
}
