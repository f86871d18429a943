namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// Inserts a document whose key must be new (an idempotency key, a case reference) with a plain
/// <c>INSERT</c>, so that PostgreSQL itself refuses a used key (unique violation, 23505) and the batch
/// stops there, before its COMMIT (<see cref="CommandExecutor.OpenWriteSession"/>). Marten's own
/// <c>Insert</c> writes <c>on conflict do nothing</c> and finds the conflict only when it reads the
/// batch's results, after the COMMIT has run. The row is the one Marten would write: the same
/// serializer, tenant, type name and a fresh version; Marten reads it like any other document.
/// </summary>
public static class StrictInsert
{
    public static void Queue<T>(IDocumentSession session, string id, T document) where T : class
    {
        var options = session.DocumentStore.Options;
        var table = options.Schema.For<T>();
        session.QueueSqlCommand(
            $"insert into {table} (tenant_id, id, data, mt_dotnet_type, mt_version) values (?, ?, ?::jsonb, ?, ?)",
            session.TenantId, id, options.Serializer().ToJson(document), typeof(T).FullName!, Guid.NewGuid());
    }
}
