using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using RefineMemory.Memory;
using RefineMemory.Retrieve;

namespace RefineMemory.Sqlite;

/// <summary>
/// The memory store in one SQLite file (WAL mode: readers do not block the writer). Documents are chunked
/// and embedded once; vectors are stored as blobs next to content hashes, so re-ingesting unchanged
/// documents embeds nothing and an edited document re-embeds only the chunks whose text changed. Each batch
/// of documents is one transaction: a crash mid-ingest leaves every document either whole or absent.
/// Collections are loaded into an <see cref="ExactVectorIndex"/> on first use and reloaded when another
/// process has committed to them since.
/// </summary>
public sealed class SqliteMemoryStore : IMemoryStore, IDisposable
{
    private readonly SqliteMemoryStoreOptions _options;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly ConcurrentDictionary<string, SqliteMemoryCollection> _loaded = new(StringComparer.Ordinal);
    private bool _initialised;

    public SqliteMemoryStore(SqliteMemoryStoreOptions options, IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(embedder);
        options.Validate();
        _options = options;
        _embedder = embedder;
        DatabasePath = Path.GetFullPath(options.DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = options.BusyTimeoutSeconds,
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Tuning of the in-memory indexes built on load.</summary>
    public ExactVectorIndexOptions? IndexOptions { get; set; }

    /// <summary>Test seam: runs inside each ingest transaction just before it commits (batch number, token).</summary>
    internal Func<int, CancellationToken, Task>? BeforeCommit { get; set; }

    public async Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default)
    {
        using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ListAsync(conn, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IMemoryCollection> GetCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var info = await ReadCollectionAsync(conn, null, name, cancellationToken).ConfigureAwait(false)
            ?? throw new CollectionNotFoundException(name, await ListAsync(conn, cancellationToken).ConfigureAwait(false));
        if (_loaded.TryGetValue(name, out var current) && current.Generation == info.Generation)
        {
            return current;
        }

        await _loadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loaded.TryGetValue(name, out current) && current.Generation == info.Generation)
            {
                return current;
            }

            var loaded = await LoadAsync(conn, name, cancellationToken).ConfigureAwait(false);
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

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
            var writer = new IngestWriter(this, conn, collection, options, progress);
            return await writer.RunAsync(documents, timer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _writeLock.Dispose();
        _loadLock.Dispose();
        _initLock.Dispose();
    }

    internal IEmbeddingGenerator<string, Embedding<float>> Embedder => _embedder;

    internal bool TryGetLoaded(string name, out SqliteMemoryCollection collection) => _loaded.TryGetValue(name, out collection!);

    internal void ForgetLoaded(string name) => _loaded.TryRemove(name, out _);

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialised)
        {
            await InitialiseAsync(cancellationToken).ConfigureAwait(false);
        }

        var conn = new SqliteConnection(_connectionString);
        try
        {
            await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(conn, null, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", cancellationToken).ConfigureAwait(false);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static async Task ExecuteAsync(SqliteConnection conn, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(conn, tx, sql, parameters);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static SqliteCommand Command(SqliteConnection conn, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    internal static async Task<CollectionInfo?> ReadCollectionAsync(SqliteConnection conn, SqliteTransaction? tx, string name, CancellationToken cancellationToken)
    {
        using var cmd = Command(conn, tx, "SELECT dimension, instruction, template, embedding_model, generation FROM collections WHERE name = $n", ("$n", name));
        using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new CollectionInfo(
            name,
            reader.GetInt32(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.GetInt64(4));
    }

    internal static void CheckVector(ReadOnlySpan<float> vector, int dimension, string collection, string what)
    {
        if (vector.Length != dimension)
        {
            throw new DimensionMismatchException($"The embedding of {what} (collection '{collection}')", dimension, vector.Length);
        }

        foreach (float x in vector)
        {
            if (!float.IsFinite(x))
            {
                throw new InvalidDataException($"The embedding generator returned a non-finite value for {what}; nothing was stored.");
            }
        }

        if (TensorPrimitives.Norm(vector) == 0f)
        {
            throw new InvalidDataException($"The embedding generator returned a zero vector for {what}; nothing was stored.");
        }
    }

    private static async Task<IReadOnlyList<string>> ListAsync(SqliteConnection conn, CancellationToken cancellationToken)
    {
        using var cmd = Command(conn, null, "SELECT name FROM collections ORDER BY name");
        using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private async Task<SqliteMemoryCollection> LoadAsync(SqliteConnection conn, string name, CancellationToken cancellationToken)
    {
        // One read transaction: the generation and the rows come from the same snapshot.
        using var tx = conn.BeginTransaction(deferred: true);
        var info = await ReadCollectionAsync(conn, tx, name, cancellationToken).ConfigureAwait(false)
            ?? throw new CollectionNotFoundException(name, await ListAsync(conn, cancellationToken).ConfigureAwait(false));
        var collection = new SqliteMemoryCollection(name, info.Dimension, info.Instruction, info.Template, info.EmbeddingModel, info.Generation, IndexOptions);
        using var cmd = Command(conn, tx, """
            SELECT c.document_id, c.ordinal, c.text, c.vector, d.source, d.metadata
            FROM chunks c JOIN documents d ON d.collection = c.collection AND d.id = c.document_id
            WHERE c.collection = $c ORDER BY c.document_id, c.ordinal
            """, ("$c", name));
        using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        string? lastDocument = null;
        IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string documentId = reader.GetString(0);
            if (documentId != lastDocument)
            {
                metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [];
                lastDocument = documentId;
            }

            int ordinal = reader.GetInt32(1);
            float[] vector = VectorBlob.ToVector((byte[])reader.GetValue(3));
            var record = new MemoryRecord(SqliteMemoryCollection.ChunkId(documentId, ordinal), documentId, ordinal, reader.GetString(2), reader.IsDBNull(4) ? null : reader.GetString(4), metadata);
            CheckVector(vector, info.Dimension, name, $"stored chunk '{record.Id}'");
            collection.Add(record, vector);
        }

        tx.Commit();
        return collection;
    }

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialised)
            {
                return;
            }

            string? folder = Path.GetDirectoryName(DatabasePath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            using var conn = new SqliteConnection(_connectionString);
            await conn.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(conn, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
            using var tx = conn.BeginTransaction();
            await ExecuteAsync(conn, tx, SqliteSchema.Create, cancellationToken).ConfigureAwait(false);
            using var cmd = Command(conn, tx, "SELECT MAX(version) FROM schema_info");
            object? version = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (version is null or DBNull)
            {
                await ExecuteAsync(conn, tx, "INSERT INTO schema_info (version) VALUES ($v)", cancellationToken, ("$v", SqliteSchema.Version)).ConfigureAwait(false);
            }
            else if (Convert.ToInt32(version, System.Globalization.CultureInfo.InvariantCulture) > SqliteSchema.Version)
            {
                throw new InvalidDataException($"'{DatabasePath}' has schema version {version}; this RefineMemory reads up to {SqliteSchema.Version}. Upgrade RefineMemory.");
            }

            tx.Commit();
            _initialised = true;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 26)
        {
            throw new InvalidDataException($"'{DatabasePath}' is not a SQLite database.", ex);
        }
        finally
        {
            _initLock.Release();
        }
    }
}

/// <summary>A row of the collections table.</summary>
internal sealed record CollectionInfo(string Name, int Dimension, string? Instruction, string Template, string? EmbeddingModel, long Generation);
