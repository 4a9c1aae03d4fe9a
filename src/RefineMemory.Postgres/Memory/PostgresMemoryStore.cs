using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Npgsql;
using RefineMemory.Memory;

namespace RefineMemory.Postgres;

/// <summary>
/// The memory store in PostgreSQL: documents, content hashes and chunk embeddings (pgvector <c>vector</c>) in
/// <c>refine_memory_*</c> tables, so several processes and machines share one memory. Ingest works like the
/// SQLite store (unchanged documents cost nothing, each batch of whole documents is one transaction, batches of
/// one collection are serialised by an advisory lock so concurrent ingests interleave safely). Searches run inside
/// the server, one statement each, on the collection's partial HNSW index (created when an ingest ends), or exactly
/// with <see cref="PostgresMemoryStoreOptions.ExactSearch"/>; opening a collection reads its row, never its vectors.
/// </summary>
public sealed class PostgresMemoryStore : MemoryStore, IDisposable
{
    private readonly PostgresMemoryStoreOptions _options;
    private readonly PostgresDataSources _sources;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly string? _readSettings;
    private bool _initialised;
    private bool _readable;

    /// <summary>A store on the server of <paramref name="options"/>, embedding ingests and queries with <paramref name="embedder"/>; tables are created on first use.</summary>
    public PostgresMemoryStore(PostgresMemoryStoreOptions options, IEmbeddingGenerator<string, Embedding<float>> embedder)
        : base(embedder)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _sources = new PostgresDataSources(options.ConnectionString);
        Location = PostgresUri.Describe(options.ConnectionString);
        _readSettings = ReadSettings(options);
    }

    /// <summary>Where the memory is, as a URI without the password.</summary>
    public string Location { get; }

    internal int CommandTimeoutSeconds => _options.CommandTimeoutSeconds;

    internal bool ExactSearch => _options.ExactSearch;

    internal string Table(string name) => PostgresMemorySchema.T(_options.Schema, name);

    /// <inheritdoc />
    public override async Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default) =>
        await MemoryExistsAsync(cancellationToken).ConfigureAwait(false)
            ? await RunAsync(null, "ListCollections", ListAsync, cancellationToken).ConfigureAwait(false)
            : [];

    /// <inheritdoc />
    public override async Task<IMemoryCollection> GetCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!await MemoryExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new CollectionNotFoundException(name, []);
        }

        // The collection's row only (its chunk count is kept there); the chunks stay in the server and are searched there.
        var collection = await RunAsync(name, "GetCollection", (conn, ct) => ReadCollectionAsync(conn, name, ct), cancellationToken).ConfigureAwait(false);
        return collection ?? throw new CollectionNotFoundException(name, await ListCollectionsAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task<PostgresMemoryCollection?> ReadCollectionAsync(NpgsqlConnection conn, string name, CancellationToken ct)
    {
        long? count;
        string? instruction, model;
        string template;
        int dimension;
        // chunk_count through to_jsonb: a memory written before the count was kept has no such column, and a role
        // that may only read cannot add it; asking for it by name would fail the read's transaction.
        using (var cmd = Command(conn, $"SELECT dimension, instruction, template, embedding_model, (to_jsonb(c) ->> 'chunk_count')::bigint FROM {Table("collections")} c WHERE name = $1", name))
        using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                return null;
            }

            (dimension, instruction, template, model, count) = (reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetInt64(4));
        }

        if (count is null)
        {
            using var sum = Command(conn, $"SELECT COALESCE(SUM(chunk_count), 0) FROM {Table("documents")} WHERE collection = $1", name);
            count = (long)(await sum.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }

        return new PostgresMemoryCollection(this, name, dimension, instruction, template, model, checked((int)count.Value));
    }

    /// <inheritdoc />
    protected override async Task<IngestResult> IngestIntoAsync(string collection, Func<IIngestTarget, Task<IngestResult>> ingest, CancellationToken cancellationToken)
    {
        await InitialiseAsync(cancellationToken).ConfigureAwait(false);
        var result = await ingest(new PostgresIngestTarget(this, collection)).ConfigureAwait(false);
        // Indexed once the rows are in (a first load builds the index once; later writes insert into it).
        try
        {
            await EnsureSearchIndexAsync(collection, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresRefusedException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // Only the table's owner may create an index; the rows are committed, so the message must not say otherwise.
            throw new PostgresRefusedException($"PostgreSQL at {_sources.Servers}: the documents of collection '{collection}' were stored ({result.Added} added, {result.Updated} updated), but this role may not create its search index ({e.InnerException?.Message}); searches of it scan every chunk until the owner of the refine_memory_* tables ingests into it.", e)
            {
                SqlState = e.SqlState, VectorStoreSystemName = "postgresql", VectorStoreName = _sources.Servers, CollectionName = collection, OperationName = "CreateSearchIndex",
            };
        }

        var replication = await PostgresReplication.WaitForStandbysAsync(this, _options.StandbyWait, cancellationToken).ConfigureAwait(false);
        return replication is null ? result : result with { Replication = replication };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sources.Dispose();
        _initLock.Dispose();
    }

    /// <summary>
    /// Runs a read (a search, a collection's row) on a standby when there is one, else on the primary, in one
    /// transaction whose lock and statement timeouts are ours (<see cref="PostgresMemoryStoreOptions.LockTimeout"/>),
    /// so a table locked by another session ends the read with a typed error instead of a wait without end.
    /// </summary>
    internal Task<T> RunAsync<T>(string? collection, string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        PostgresConnections.RunAsync(_sources.Read, _sources.Servers, collection, operation, async (conn, ct) =>
        {
            using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            if (_readSettings is not null)
            {
                using var set = Command(conn, _readSettings);
                await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            T result = await work(conn, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }, cancellationToken, resetHosts: _sources.ResetHostStates);

    // set_config(..., is_local: true) is SET LOCAL: it ends with the read's transaction, so a pooled connection
    // later used by an ingest (which waits for other ingests' locks by design) never inherits it. A setting the
    // connection string's Options name is the user's and left alone.
    private static string? ReadSettings(PostgresMemoryStoreOptions options)
    {
        string given = new NpgsqlConnectionStringBuilder(options.ConnectionString).Options ?? "";
        var settings = new List<string>(2);
        foreach (var (name, value) in new[] { ("lock_timeout", options.LockTimeout), ("statement_timeout", options.StatementTimeout) })
        {
            // A whole name: deadlock_timeout is not lock_timeout.
            if (value is { } t && !System.Text.RegularExpressions.Regex.IsMatch(given, $@"(?<![A-Za-z0-9_.]){name}\s*=", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant))
            {
                settings.Add(string.Create(CultureInfo.InvariantCulture, $"set_config('{name}', '{(long)t.TotalMilliseconds}', true)"));
            }
        }

        return settings.Count == 0 ? null : "SELECT " + string.Join(", ", settings);
    }

    /// <summary>Runs a write (an ingest's reads and commits, schema and index creation) on the primary.</summary>
    internal Task<T> RunWriteAsync<T>(string? collection, string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        PostgresConnections.RunAsync(_sources.Write, _sources.Servers, collection, operation, work, cancellationToken, write: true, resetHosts: _sources.ResetHostStates);

    internal NpgsqlCommand Command(NpgsqlConnection conn, string sql, params object?[] values)
    {
        var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = _options.CommandTimeoutSeconds };
        foreach (object? value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return cmd;
    }

    /// <summary>
    /// Creates the collection's HNSW index unless it exists (<see cref="PostgresMemoryChunks.IndexDefinition"/>), under
    /// the collection's advisory lock; run after an ingest, so a first bulk load is indexed once rather than row by row.
    /// A collection whose dimension HNSW cannot index (over 2,000) is left to exact search.
    /// </summary>
    internal Task EnsureSearchIndexAsync(string collection, CancellationToken cancellationToken) =>
        RunWriteAsync(collection, "CreateSearchIndex", async (conn, ct) =>
        {
            using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            using (var lockCommand = Command(conn, "SELECT pg_advisory_xact_lock(hashtext('refine_memory:' || $1))", collection))
            {
                await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            using (var read = Command(conn, $"SELECT dimension FROM {Table("collections")} WHERE name = $1", collection))
            {
                if (await read.ExecuteScalarAsync(ct).ConfigureAwait(false) is not int dimension || dimension > PostgresMemoryChunks.MaxIndexedDimension)
                {
                    return false;
                }

                var index = PostgresMemoryChunks.IndexDefinition(this, collection, dimension);
                if (await PostgresCatalog.ExistsAsync(conn, _options.Schema, index.Name, ct).ConfigureAwait(false))
                {
                    return true; // not even the table lock CREATE INDEX IF NOT EXISTS would take
                }

                using var create = Command(conn, index.Sql);
                await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                // The planner weighs the index against sorting the rows it expects the collection to have: without
                // statistics of a just-loaded collection it would guess a handful and sort.
                using var analyze = Command(conn, $"ANALYZE {Table("chunks")} (collection), {Table("documents")} (collection)");
                await analyze.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private async Task<IReadOnlyList<string>> ListAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        using var cmd = Command(conn, $"SELECT name FROM {Table("collections")} ORDER BY name");
        using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var names = new List<string>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>
    /// Whether the memory tables exist, read without creating anything, so a role that may only read can search
    /// (only an ingest creates the extension and the tables). A newer schema than this version reads is refused.
    /// </summary>
    private async Task<bool> MemoryExistsAsync(CancellationToken cancellationToken)
    {
        if (_initialised || _readable)
        {
            return true;
        }

        int? version = await RunAsync(null, "OpenMemory", ReadVersionAsync, cancellationToken).ConfigureAwait(false);
        if (version > PostgresMemorySchema.Version)
        {
            throw new InvalidDataException($"The memory in {Location} has schema version {version}; this RefineMemory reads up to {PostgresMemorySchema.Version}. Upgrade RefineMemory.");
        }

        _readable = version is not null;
        return _readable;
    }

    // Whether the memory exists at this version with every column of it, read on the primary without creating anything.
    private Task<bool> IsCurrentAsync(CancellationToken cancellationToken) =>
        RunWriteAsync(null, "OpenMemory", async (conn, ct) =>
        {
            if (await ReadVersionAsync(conn, ct).ConfigureAwait(false) != PostgresMemorySchema.Version)
            {
                return false;
            }

            using var column = Command(conn, "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'chunk_count' AND NOT attisdropped)", Table("collections"));
            return (bool)(await column.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken);

    // Asked of the catalog first rather than caught as "undefined table": an error would end the read's transaction.
    private async Task<int?> ReadVersionAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        using (var exists = Command(conn, "SELECT to_regclass($1) IS NOT NULL", Table("schema")))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
            {
                return null; // no memory here yet
            }
        }

        using var cmd = Command(conn, $"SELECT MAX(version) FROM {Table("schema")}");
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is int v ? v : 0;
    }

    /// <summary>
    /// Creates the memory (the <c>vector</c> extension, the <c>refine_memory_*</c> tables and their indexes) unless it
    /// exists, as the first ingest would (<c>refine init --db ...</c>). Searches never create anything, so a role that
    /// may only read can search a memory that a more privileged role created this way.
    /// </summary>
    /// <param name="cancellationToken">Cancels the creation; nothing is created unless all of it is.</param>
    /// <exception cref="PostgresRefusedException">The role may not create the extension, the schema or the tables.</exception>
    public Task EnsureMemoryExistsAsync(CancellationToken cancellationToken = default) => InitialiseAsync(cancellationToken);

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        if (_initialised)
        {
            return;
        }

        if (await IsCurrentAsync(cancellationToken).ConfigureAwait(false))
        {
            // Nothing to create, so nothing to lock or alter: a role that may write rows but owns no table can ingest.
            _initialised = true;
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialised)
            {
                return;
            }

            await RunWriteAsync(null, "CreateMemoryTables", async (conn, ct) =>
            {
                using (var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false))
                {
                    await PostgresCatalog.LockAsync(conn, ct).ConfigureAwait(false);
                    using (var create = Command(conn, PostgresMemorySchema.Create(_options.Schema)))
                    {
                        await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    using var version = Command(conn, $"SELECT MAX(version) FROM {Table("schema")}");
                    object? stored = await version.ExecuteScalarAsync(ct).ConfigureAwait(false);
                    if (stored is int v && v > PostgresMemorySchema.Version)
                    {
                        throw new InvalidDataException($"The memory in {Location} has schema version {v}; this RefineMemory reads up to {PostgresMemorySchema.Version}. Upgrade RefineMemory.");
                    }

                    if (stored is null or DBNull)
                    {
                        using var insert = Command(conn, $"INSERT INTO {Table("schema")} (version) VALUES ($1)", PostgresMemorySchema.Version);
                        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    await tx.CommitAsync(ct).ConfigureAwait(false);
                }

                await conn.ReloadTypesAsync(ct).ConfigureAwait(false); // 'vector' may have just been created
                return true;
            }, cancellationToken).ConfigureAwait(false);
            _initialised = true;
        }
        finally
        {
            _initLock.Release();
        }
    }
}
