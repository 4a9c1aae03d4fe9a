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
public sealed class SqliteMemoryStore : MemoryStore, IDisposable
{
    private readonly SqliteMemoryStoreOptions _options;
    private readonly SqliteDatabase _database;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private readonly ConcurrentDictionary<string, SqliteMemoryCollection> _loaded = new(StringComparer.Ordinal);

    /// <summary>Opens (or creates) the file of <paramref name="options"/>, embedding ingests and queries with <paramref name="embedder"/>.</summary>
    public SqliteMemoryStore(SqliteMemoryStoreOptions options, IEmbeddingGenerator<string, Embedding<float>> embedder)
        : base(embedder)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _database = new SqliteDatabase(options.DatabasePath, options.BusyTimeoutSeconds);
        DatabasePath = _database.Path;
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Tuning of the in-memory indexes built on load.</summary>
    public ExactVectorIndexOptions? IndexOptions { get; set; }

    /// <summary>Test seam: runs inside each ingest transaction just before it commits (batch number, token).</summary>
    internal Func<int, CancellationToken, Task>? BeforeCommit { get; set; }

    /// <exception cref="MemoryStoreException">The database is not ours, damaged or unreadable.</exception>
    public override async Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var conn = await _database.OpenReadAsync(cancellationToken).ConfigureAwait(false);
            return conn is null ? [] : await ListAsync(conn, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw _database.Translate(ex);
        }
    }

    /// <exception cref="CollectionNotFoundException">No collection has that name (or there is no database file yet; none is created).</exception>
    /// <exception cref="MemoryStoreException">The database is not ours, damaged or unreadable, or a stored vector is damaged.</exception>
    public override async Task<IMemoryCollection> GetCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        try
        {
            return await GetCollectionCoreAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw _database.Translate(ex);
        }
    }

    private async Task<IMemoryCollection> GetCollectionCoreAsync(string name, CancellationToken cancellationToken)
    {
        // No file yet: no collections, and searching does not create one.
        using var conn = await _database.OpenReadAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new CollectionNotFoundException(name, []);
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

    /// <exception cref="MemoryStoreException">The database is not ours, damaged, read-only or unreadable.</exception>
    protected override async Task<IngestResult> IngestIntoAsync(string collection, Func<IIngestTarget, Task<IngestResult>> ingest, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var conn = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
            return await ingest(new SqliteIngestTarget(this, conn, collection)).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw _database.Translate(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _database.Release();
        _writeLock.Dispose();
        _loadLock.Dispose();
    }


    internal bool TryGetLoaded(string name, out SqliteMemoryCollection collection) => _loaded.TryGetValue(name, out collection!);

    internal void ForgetLoaded(string name) => _loaded.TryRemove(name, out _);

    internal static async Task<CollectionInfo?> ReadCollectionAsync(SqliteConnection conn, SqliteTransaction? tx, string name, CancellationToken cancellationToken)
    {
        using var cmd = SqliteCommands.Command(conn, tx, "SELECT dimension, instruction, template, embedding_model, generation FROM collections WHERE name = $n", ("$n", name));
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

    /// <summary>A vector read back from the file; one that cannot be what we wrote is reported as damage, naming the chunk.</summary>
    private float[] StoredVector(object blob, int dimension, string collection, string chunkId)
    {
        string? problem = null;
        float[] vector = [];
        if (blob is not byte[] bytes || bytes.Length % sizeof(float) != 0)
        {
            problem = blob is byte[] b ? $"{b.Length} bytes, not a whole number of floats" : "not a blob";
        }
        else
        {
            vector = VectorBlob.ToVector(bytes);
            problem = vector.Length != dimension ? $"dimension {vector.Length}, the collection's is {dimension}"
                : !TensorPrimitives.IsFiniteAll(vector) ? "a non-finite value"
                : TensorPrimitives.Norm(vector) == 0f ? "all zeros"
                : null;
        }

        return problem is null
            ? vector
            : throw new MemoryStoreException($"'{DatabasePath}' is damaged: the stored vector of chunk '{chunkId}' in collection '{collection}' has {problem}. Re-ingest that document (or restore the file from a copy).");
    }

    private static async Task<IReadOnlyList<string>> ListAsync(SqliteConnection conn, CancellationToken cancellationToken)
    {
        using var cmd = SqliteCommands.Command(conn, null, "SELECT name FROM collections ORDER BY name");
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
        using var cmd = SqliteCommands.Command(conn, tx, """
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
            var record = new MemoryRecord(MemoryRecord.ChunkId(documentId, ordinal), documentId, ordinal, reader.GetString(2), reader.IsDBNull(4) ? null : reader.GetString(4), metadata);
            collection.Add(record, StoredVector(reader.GetValue(3), info.Dimension, name, record.Id));
        }

        tx.Commit();
        return collection;
    }
}

/// <summary>A row of the collections table.</summary>
internal sealed record CollectionInfo(string Name, int Dimension, string? Instruction, string Template, string? EmbeddingModel, long Generation);
