using System.Collections.Concurrent;
using System.Data;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Npgsql;
using Pgvector;
using RefineMemory.Memory;
using RefineMemory.Retrieve;

namespace RefineMemory.Postgres;

/// <summary>
/// The memory store in PostgreSQL: documents, content hashes and chunk embeddings (pgvector <c>vector</c>) in
/// <c>refine_memory_*</c> tables, so several processes and machines share one memory. Ingest works like the
/// SQLite store (unchanged documents cost nothing, each batch of whole documents is one transaction, batches of
/// one collection are serialised by an advisory lock so concurrent ingests interleave safely). Searches run on an
/// exact in-memory index loaded from one snapshot and reloaded when another ingest has committed since; for
/// approximate search inside the server use <see cref="PostgresVectorStore"/>.
/// </summary>
public sealed class PostgresMemoryStore : IMemoryStore, IDisposable
{
    private readonly PostgresMemoryStoreOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private readonly ConcurrentDictionary<string, PostgresMemoryCollection> _loaded = new(StringComparer.Ordinal);
    private bool _initialised;

    public PostgresMemoryStore(PostgresMemoryStoreOptions options, IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(embedder);
        options.Validate();
        _options = options;
        Embedder = embedder;
        _dataSource = PostgresVectorStore.CreateDataSource(options.ConnectionString);
        var b = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        Location = $"postgresql://{b.Username}@{b.Host}:{b.Port}/{b.Database ?? b.Username}";
    }

    /// <summary>Where the memory is, as a URI without the password.</summary>
    public string Location { get; }

    /// <summary>Tuning of the in-memory indexes built on load.</summary>
    public ExactVectorIndexOptions? IndexOptions { get; set; }

    internal IEmbeddingGenerator<string, Embedding<float>> Embedder { get; }

    internal int CommandTimeoutSeconds => _options.CommandTimeoutSeconds;

    internal string Table(string name) => PostgresMemorySchema.T(_options.Schema, name);

    public async Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default)
    {
        await InitialiseAsync(cancellationToken).ConfigureAwait(false);
        return await RunAsync(null, "ListCollections", ListAsync, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IMemoryCollection> GetCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await InitialiseAsync(cancellationToken).ConfigureAwait(false);
        long generation = await RunAsync(name, "GetCollection", async (conn, ct) =>
        {
            using var cmd = Command(conn, $"SELECT generation FROM {Table("collections")} WHERE name = $1", name);
            return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is long g ? g : -1;
        }, cancellationToken).ConfigureAwait(false);
        if (generation < 0)
        {
            throw new CollectionNotFoundException(name, await ListCollectionsAsync(cancellationToken).ConfigureAwait(false));
        }

        if (_loaded.TryGetValue(name, out var current) && current.Generation == generation)
        {
            return current;
        }

        await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loaded.TryGetValue(name, out current) && current.Generation == generation)
            {
                return current;
            }

            var loaded = await RunAsync(name, "LoadCollection", (conn, ct) => LoadAsync(conn, name, ct), cancellationToken).ConfigureAwait(false)
                ?? throw new CollectionNotFoundException(name, await ListCollectionsAsync(cancellationToken).ConfigureAwait(false));
            _loaded[name] = loaded;
            return loaded;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    public async Task<IngestResult> IngestAsync(
        string collection,
        IReadOnlyList<MemoryDocument> documents,
        IngestOptions? options = null,
        IProgress<IngestProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentNullException.ThrowIfNull(documents);
        options ??= new IngestOptions();
        options.Validate();
        var timer = Stopwatch.StartNew();
        await InitialiseAsync(cancellationToken).ConfigureAwait(false);
        var writer = new PostgresIngestWriter(this, collection, options, progress);
        return await writer.RunAsync(documents, timer, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _dataSource.Dispose();
        _initLock.Dispose();
        _loadLock.Dispose();
    }

    internal Task<T> RunAsync<T>(string? collection, string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        PostgresConnections.RunAsync(_dataSource, collection, operation, work, cancellationToken);

    internal NpgsqlCommand Command(NpgsqlConnection conn, string sql, params object?[] values)
    {
        var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = _options.CommandTimeoutSeconds };
        foreach (object? value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return cmd;
    }

    internal void ForgetLoaded(string name) => _loaded.TryRemove(name, out _);

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

    private async Task<PostgresMemoryCollection?> LoadAsync(NpgsqlConnection conn, string name, CancellationToken ct)
    {
        // One snapshot: the generation and the rows agree.
        using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
        PostgresMemoryCollection collection;
        using (var info = Command(conn, $"SELECT dimension, instruction, template, generation FROM {Table("collections")} WHERE name = $1", name))
        using (var reader = await info.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                return null;
            }

            collection = new PostgresMemoryCollection(name, reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetInt64(3), IndexOptions);
        }

        using var cmd = Command(conn, $"""
            SELECT c.document_id, c.ordinal, c.text, c.embedding, d.source, d.metadata::text
            FROM {Table("chunks")} c JOIN {Table("documents")} d ON d.collection = c.collection AND d.id = c.document_id
            WHERE c.collection = $1 ORDER BY c.document_id, c.ordinal
            """, name);
        using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            string? lastDocument = null;
            IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                string documentId = reader.GetString(0);
                if (documentId != lastDocument)
                {
                    metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [];
                    lastDocument = documentId;
                }

                int ordinal = reader.GetInt32(1);
                var vector = reader.GetFieldValue<Vector>(3).Memory;
                string id = ChunkId(documentId, ordinal);
                if (vector.Length != collection.Dimension)
                {
                    throw new DimensionMismatchException($"Stored chunk '{id}' of collection '{name}'", collection.Dimension, vector.Length);
                }

                collection.Add(new MemoryRecord(id, documentId, ordinal, reader.GetString(2), reader.IsDBNull(4) ? null : reader.GetString(4), metadata), vector.Span);
            }
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return collection;
    }

    internal static string ChunkId(string documentId, int ordinal) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{documentId}#{ordinal}");

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        if (_initialised)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialised)
            {
                return;
            }

            await RunAsync(null, "CreateMemoryTables", async (conn, ct) =>
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
