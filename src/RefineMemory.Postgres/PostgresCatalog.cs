using Npgsql;

namespace RefineMemory.Postgres;

/// <summary>
/// The collections of a schema: each is a table, recorded in <c>refine_collections</c> with the version of the
/// layout that created it. Creation and deletion run in one transaction under an advisory lock, so two processes
/// creating the same collection (or the pgvector extension) at once neither fail nor duplicate anything.
/// </summary>
internal static class PostgresCatalog
{
    /// <summary>The table layout this code writes; a collection recorded with a higher version is refused.</summary>
    public const int SchemaVersion = 1;

    private const string CatalogTable = "refine_collections";

    public static async Task<bool> ExistsAsync(NpgsqlConnection conn, string schema, string name, CancellationToken ct)
    {
        using var cmd = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", conn) { Parameters = { new() { Value = PostgresSql.Table(schema, name) } } };
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public static async Task<List<string>> ListAsync(NpgsqlConnection conn, string schema, CancellationToken ct)
    {
        var names = new List<string>();
        if (!await ExistsAsync(conn, schema, CatalogTable, ct).ConfigureAwait(false))
        {
            return names;
        }

        using var cmd = new NpgsqlCommand($"SELECT name FROM {PostgresSql.Table(schema, CatalogTable)} c WHERE to_regclass(format('%I.%I', $1::text, c.name)) IS NOT NULL ORDER BY name", conn)
        {
            Parameters = { new() { Value = schema } },
        };
        using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public static async Task CreateAsync(NpgsqlConnection conn, string schema, string name, IReadOnlyList<string> statements, CancellationToken ct)
    {
        bool extensionCreated;
        using (var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            await LockAsync(conn, ct).ConfigureAwait(false);
            extensionCreated = await ExecuteScalarAsync(conn, "SELECT NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector')", ct).ConfigureAwait(false) is true;
            await ExecuteAsync(conn, "CREATE EXTENSION IF NOT EXISTS vector", ct).ConfigureAwait(false);
            await ExecuteAsync(conn, $"CREATE SCHEMA IF NOT EXISTS {PostgresSql.Quote(schema)}", ct).ConfigureAwait(false);
            await ExecuteAsync(conn, $"CREATE TABLE IF NOT EXISTS {PostgresSql.Table(schema, CatalogTable)} (name text PRIMARY KEY, schema_version integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())", ct).ConfigureAwait(false);
            using (var version = new NpgsqlCommand($"SELECT schema_version FROM {PostgresSql.Table(schema, CatalogTable)} WHERE name = $1", conn) { Parameters = { new() { Value = name } } })
            {
                if (await version.ExecuteScalarAsync(ct).ConfigureAwait(false) is int v && v > SchemaVersion)
                {
                    throw new InvalidDataException($"Collection '{name}' has table layout version {v}; this RefineMemory reads up to {SchemaVersion}. Upgrade RefineMemory.");
                }
            }

            foreach (string statement in statements)
            {
                await ExecuteAsync(conn, statement, ct).ConfigureAwait(false);
            }

            using (var insert = new NpgsqlCommand($"INSERT INTO {PostgresSql.Table(schema, CatalogTable)} (name, schema_version) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", conn)
            {
                Parameters = { new() { Value = name }, new() { Value = SchemaVersion } },
            })
            {
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
        }

        if (extensionCreated)
        {
            // The data source loaded its types before 'vector' existed; pgvector values need them reloaded.
            await conn.ReloadTypesAsync(ct).ConfigureAwait(false);
        }
    }

    public static async Task DropAsync(NpgsqlConnection conn, string schema, string name, CancellationToken ct)
    {
        using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        await LockAsync(conn, ct).ConfigureAwait(false);
        await ExecuteAsync(conn, $"DROP TABLE IF EXISTS {PostgresSql.Table(schema, name)}", ct).ConfigureAwait(false);
        if (await ExistsAsync(conn, schema, CatalogTable, ct).ConfigureAwait(false))
        {
            using var delete = new NpgsqlCommand($"DELETE FROM {PostgresSql.Table(schema, CatalogTable)} WHERE name = $1", conn) { Parameters = { new() { Value = name } } };
            await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>One transaction-scoped lock for every schema change made by RefineMemory in this database.</summary>
    internal static Task LockAsync(NpgsqlConnection conn, CancellationToken ct) =>
        ExecuteAsync(conn, "SELECT pg_advisory_xact_lock(hashtext('refine_memory_schema'))", ct);

    internal static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<object?> ExecuteScalarAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }
}
