using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace AssetLedger.Benchmarks;

/// <summary>
/// The floor: plain Npgsql against the same PostgreSQL, in tables of their own (schema <c>bench</c>),
/// with default connection settings (pooling on, no auto-prepare), the same client count and duration.
/// </summary>
public sealed class Raw(NpgsqlDataSource db)
{
    public const string ServiceSchema = "assetledger";

    public async Task<string> SettingAsync(string name)
    {
        await using var cmd = db.CreateCommand($"show {name}");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task ExecAsync(string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Starts counting statements (pg_stat_statements) when the server preloads the
    /// extension (<c>ops/bench.sh --statements</c>); false otherwise.</summary>
    public async Task<bool> StartStatementsAsync()
    {
        if (!(await SettingAsync("shared_preload_libraries")).Contains("pg_stat_statements")) return false;
        await ExecAsync("create extension if not exists pg_stat_statements");
        await ExecAsync("select pg_stat_statements_reset()");
        return true;
    }

    /// <summary>The statements counted since <see cref="StartStatementsAsync"/>, most execution time
    /// first: calls, total and mean execution milliseconds, rows, and the statement's text.</summary>
    public async Task<IReadOnlyList<string>> StatementsAsync(int top)
    {
        await using var cmd = db.CreateCommand(
            "select calls, total_exec_time, mean_exec_time, rows, total_plan_time, query from pg_stat_statements " +
            "where dbid = (select oid from pg_database where datname = current_database()) order by total_exec_time desc limit $1");
        cmd.Parameters.AddWithValue(top);
        var lines = new List<string> { "calls	total_ms	mean_ms	rows	plan_ms	query" };
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var query = System.Text.RegularExpressions.Regex.Replace(reader.GetString(5), @"\s+", " ");
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{reader.GetInt64(0)}\t{reader.GetDouble(1):F1}\t{reader.GetDouble(2):F3}\t{reader.GetInt64(3)}\t{reader.GetDouble(4):F1}\t{(query.Length > 300 ? query[..300] + "…" : query)}"));
        }
        return lines;
    }

    private async Task<NpgsqlConnection[]> OpenAsync(int n)
    {
        var conns = new NpgsqlConnection[n];
        for (var i = 0; i < n; i++) conns[i] = await db.OpenConnectionAsync();
        return conns;
    }

    /// <summary>P1 raw: each of <c>clients</c> connections runs single-statement transactions
    /// <c>INSERT … (stream_id, data)</c> of the seizure's JSON, each committed (durably: synchronous_commit on).</summary>
    public async Task<LoadResult> InsertsAsync(int clients, TimeSpan warmup, TimeSpan duration, byte[] json)
    {
        await ExecAsync("""
            create schema if not exists bench;
            drop table if exists bench.raw_event;
            create table bench.raw_event (seq bigserial primary key, stream_id uuid not null, data jsonb not null);
            """);
        var text = System.Text.Encoding.UTF8.GetString(json);
        var conns = await OpenAsync(clients);
        try
        {
            var commands = conns.Select(c =>
            {
                var cmd = new NpgsqlCommand("insert into bench.raw_event (stream_id, data) values ($1, $2)", c);
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid });
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = text });
                return cmd;
            }).ToArray();
            return await Load.RunAsync(clients, warmup, duration, async w =>
            {
                var cmd = commands[w];
                cmd.Parameters[0].Value = Guid.NewGuid();
                await cmd.ExecuteNonQueryAsync();
                return 200;
            });
        }
        finally
        {
            foreach (var c in conns) await c.DisposeAsync();
        }
    }

    /// <summary>P2 raw: a copy of the service's asset documents (id, data) in a plain table with a primary key.</summary>
    public async Task<long> CopyAssetsAsync()
    {
        await ExecAsync($"""
            create schema if not exists bench;
            drop table if exists bench.raw_asset;
            create table bench.raw_asset (id uuid primary key, data jsonb not null);
            insert into bench.raw_asset (id, data) select id, data from {ServiceSchema}.mt_doc_asset;
            analyze bench.raw_asset;
            """);
        return await ScalarAsync<long>("select count(*) from bench.raw_asset");
    }

    /// <summary>P2 raw: primary-key selects of the JSON, random ids, read as text by the client.</summary>
    public async Task<LoadResult> ReadsAsync(int clients, TimeSpan warmup, TimeSpan duration, Guid[] ids)
    {
        var conns = await OpenAsync(clients);
        try
        {
            var random = Enumerable.Range(0, clients).Select(i => new Random(1000 + i)).ToArray();
            var commands = conns.Select(c =>
            {
                var cmd = new NpgsqlCommand("select data from bench.raw_asset where id = $1", c);
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid });
                return cmd;
            }).ToArray();
            return await Load.RunAsync(clients, warmup, duration, async w =>
            {
                var cmd = commands[w];
                cmd.Parameters[0].Value = ids[random[w].Next(ids.Length)];
                await using var reader = await cmd.ExecuteReaderAsync();
                if (!await reader.ReadAsync()) return 404;
                _ = reader.GetString(0);
                return 200;
            });
        }
        finally
        {
            foreach (var c in conns) await c.DisposeAsync();
        }
    }

    /// <summary>P4 raw: one sequential pass over the event table in sequence order, parsing every event's JSON.</summary>
    public async Task<(long Events, double Seconds)> ReadAndParseEventsAsync()
    {
        await using var conn = await db.OpenConnectionAsync();
        var clock = Stopwatch.StartNew();
        long n = 0;
        await using (var cmd = new NpgsqlCommand($"select seq_id, stream_id, version, type, data from {ServiceSchema}.mt_events order by seq_id", conn))
        {
            cmd.CommandTimeout = 0;
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                _ = reader.GetInt64(0);
                _ = reader.GetGuid(1);
                _ = reader.GetInt64(2);
                _ = reader.GetString(3);
                using var doc = JsonDocument.Parse(reader.GetString(4));
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new BenchmarkException("An event's data is not a JSON object.");
                n++;
            }
        }
        return (n, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Count and digest of a projection's documents, to show a rebuild reproduced them exactly.</summary>
    public async Task<(long Count, string Digest)> DocumentsDigestAsync(string table)
    {
        await using var cmd = db.CreateCommand(
            $"select count(*), coalesce(md5(string_agg(md5(tenant_id || id::text || data::text), '' order by tenant_id, id)), '') from {ServiceSchema}.{table}");
        cmd.CommandTimeout = 0;
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetString(1));
    }
}
