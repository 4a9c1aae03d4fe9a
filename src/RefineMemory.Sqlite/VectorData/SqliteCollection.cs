using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;
using RefineMemory.Connectors;
using RefineMemory.Retrieve;

namespace RefineMemory.Sqlite.VectorData;

/// <summary>
/// A VectorData collection in a SQLite file, searched exactly by a flat scan of its stored vectors (cosine,
/// dot product, Euclidean). Keys are strings or Guids; data properties are stored as JSON, so filters run
/// in SQL; each upsert or delete batch is one transaction.
/// </summary>
public class SqliteCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
    where TKey : notnull
    where TRecord : class
{
    internal const string SystemName = "refinememory.sqlite";

    private readonly SqliteVectorDatabase _database;
    private readonly RecordMapper<TRecord> _mapper;
    private readonly string[] _functions;
    private readonly string _layout;

    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string (see <see cref="SqliteVectorStore.ConnectionStringFor"/>).</param>
    /// <param name="name">The collection's name.</param>
    /// <param name="options">Its options.</param>
    public SqliteCollection(string connectionString, string name, SqliteCollectionOptions? options = null)
        : this(new SqliteVectorDatabase(connectionString), name, options, dynamic: false)
    {
    }

    internal SqliteCollection(SqliteVectorDatabase database, string name, SqliteCollectionOptions? options, bool dynamic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        options ??= new SqliteCollectionOptions();
        if (options.EmbeddingGenerator is not null)
        {
            throw new NotSupportedException("SqliteCollectionOptions.EmbeddingGenerator is not supported: the store holds vectors the caller computed; wrap the collection in RefinedVectorSearch to search by text.");
        }

        if (typeof(TKey) != typeof(string) && typeof(TKey) != typeof(Guid) && !(dynamic && typeof(TKey) == typeof(object)))
        {
            throw new NotSupportedException($"Key type '{typeof(TKey).Name}': the SQLite store supports string and Guid keys.");
        }

        Name = name;
        _database = database;
        _mapper = new RecordMapper<TRecord>(RecordMapper<TRecord>.BuildModel(typeof(TKey), options.Definition, dynamic), name);
        _functions = _mapper.Model.VectorProperties.Select(v => VectorScore.Resolve(v.DistanceFunction, v.ModelName)).ToArray();
        _layout = string.Join(", ", _mapper.Model.VectorProperties.Select((v, i) => $"{v.StorageName}[{v.Dimensions}] {_functions[i]}"));
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override async Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await LayoutAsync(connection, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public override async Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await SqliteCommands.ExecuteAsync(connection, null, "INSERT OR IGNORE INTO vectordata_collections (name, layout) VALUES ($c, $l)", cancellationToken, ("$c", Name), ("$l", _layout)).ConfigureAwait(false);
        await RequireAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await SqliteCommands.ExecuteAsync(connection, null, "DELETE FROM vectordata_collections WHERE name = $c", cancellationToken, ("$c", Name)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await RequireAsync(connection, cancellationToken).ConfigureAwait(false);
        var stored = await ReadAsync(connection, "r.key = $k", [("$k", _mapper.KeyText(key))], options?.IncludeVectors ?? false, cancellationToken).ConfigureAwait(false);
        return stored.Count == 0 ? null : _mapper.ToRecord(stored[0], options?.IncludeVectors ?? false);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(IEnumerable<TKey> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            if (await GetAsync(key, options, cancellationToken).ConfigureAwait(false) is { } record)
            {
                yield return record;
            }
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new FilteredRecordRetrievalOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        if (options.OrderBy is not null)
        {
            throw new NotSupportedException("FilteredRecordRetrievalOptions.OrderBy is not supported by the SQLite store; records come in key order.");
        }

        var (where, parameters) = SqliteFilterTranslator.Translate(filter, _mapper.Model, _mapper.KeyText);
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await RequireAsync(connection, cancellationToken).ConfigureAwait(false);
        var stored = await ReadAsync(connection, $"{where} ORDER BY r.key LIMIT $top OFFSET $skip", [.. parameters, ("$top", top), ("$skip", options.Skip)], options.IncludeVectors, cancellationToken).ConfigureAwait(false);
        foreach (var s in stored)
        {
            yield return _mapper.ToRecord(s, options.IncludeVectors);
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default) => DeleteAsync([key], cancellationToken);

    /// <inheritdoc />
    public override async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var texts = keys.Select(k => _mapper.KeyText(k)).ToArray();
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await RequireAsync(connection, cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        foreach (string key in texts)
        {
            await SqliteCommands.ExecuteAsync(connection, transaction, "DELETE FROM vectordata_records WHERE collection = $c AND key = $k", cancellationToken, ("$c", Name), ("$k", key)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default) => UpsertAsync([record], cancellationToken);

    /// <exception cref="DimensionMismatchException">A vector's length is not its property's declared dimension (nothing of the batch is written).</exception>
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var stored = records.Select(_mapper.ToStored).ToArray();
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await RequireAsync(connection, cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        foreach (var s in stored)
        {
            await SqliteCommands.ExecuteAsync(connection, transaction,
                "INSERT INTO vectordata_records (collection, key, data) VALUES ($c, $k, $d) ON CONFLICT (collection, key) DO UPDATE SET data = excluded.data; " +
                "DELETE FROM vectordata_vectors WHERE collection = $c AND key = $k;",
                cancellationToken, ("$c", Name), ("$k", s.Key), ("$d", SqliteRecordJson.Write(_mapper.Model, s.Data))).ConfigureAwait(false);
            for (int v = 0; v < s.Vectors.Length; v++)
            {
                if (s.Vectors[v] is { } vector)
                {
                    await SqliteCommands.ExecuteAsync(connection, transaction, "INSERT INTO vectordata_vectors (collection, key, property, vector) VALUES ($c, $k, $p, $v)",
                        cancellationToken, ("$c", Name), ("$k", s.Key), ("$p", _mapper.Model.VectorProperties[v].StorageName), ("$v", VectorBlob.ToBytes(vector))).ConfigureAwait(false);
                }
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Searches exactly with a vector (<see cref="ReadOnlyMemory{T}"/> of float, float[] or <c>Embedding&lt;float&gt;</c>);
    /// scores are the property's distance function (cosine similarity unless declared otherwise).
    /// </summary>
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue,
        int top,
        VectorSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new VectorSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        var query = RecordModelBuilder.ReadVector(searchValue)
            ?? throw new NotSupportedException($"Search input of type '{typeof(TInput).Name}' is not supported; pass a vector ({RecordModelBuilder.FloatVectorTypes}), or wrap the collection in RefinedVectorSearch to search by text.");
        int v = _mapper.VectorIndex(options);
        var property = _mapper.Model.VectorProperties[v];
        Guard.Dimension(query.Span, property.Dimensions, $"The query vector for '{property.ModelName}' (collection '{Name}')");
        Guard.Finite(query.Span, "query vector");
        var (where, parameters) = SqliteFilterTranslator.Translate(options.Filter, _mapper.Model, _mapper.KeyText);

        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await RequireAsync(connection, cancellationToken).ConfigureAwait(false);
        var ranked = await ScanAsync(connection, where, [.. parameters, ("$p", property.StorageName)], query, options.Skip + top, _functions[v], cancellationToken).ConfigureAwait(false);
        var kept = ranked.Where(r => VectorScore.Passes(_functions[v], r.Score, options.ScoreThreshold)).Skip(options.Skip).Take(top).ToArray();
        foreach (var (rowId, score) in kept)
        {
            var stored = await ReadAsync(connection, "r.rowid = $id", [("$id", rowId)], options.IncludeVectors, cancellationToken).ConfigureAwait(false);
            if (stored.Count == 1)
            {
                yield return new VectorSearchResult<TRecord>(_mapper.ToRecord(stored[0], options.IncludeVectors), score);
            }
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? new VectorStoreCollectionMetadata { VectorStoreSystemName = SystemName, CollectionName = Name }
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    private async Task<List<(long RowId, double Score)>> ScanAsync(SqliteConnection connection, string where, (string, object?)[] parameters, ReadOnlyMemory<float> query, int k, string function, CancellationToken cancellationToken)
    {
        using var command = SqliteCommands.Command(connection, null,
            $"SELECT r.rowid, v.vector FROM vectordata_records r JOIN vectordata_vectors v ON v.collection = r.collection AND v.key = r.key AND v.property = $p WHERE r.collection = $c AND {where}",
            [.. parameters, ("$c", Name)]);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        int dimension = query.Length;
        var buffer = new byte[dimension * sizeof(float)];
        var fallback = new float[dimension];
        var rowIds = new List<long>();
        var scores = new List<double>();
        var heap = new TopKHeap(k);
        bool higherIsBetter = VectorScore.HigherIsBetter(function);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            long length = reader.GetBytes(1, 0, null, 0, 0);
            if (length != buffer.Length)
            {
                throw new InvalidDataException($"A stored vector of collection '{Name}' has {length} bytes; its dimension {dimension} needs {buffer.Length}. The database is damaged.");
            }

            reader.GetBytes(1, 0, buffer, 0, buffer.Length);
            ReadOnlySpan<float> vector = BitConverter.IsLittleEndian ? MemoryMarshal.Cast<byte, float>(buffer) : Fill(fallback, buffer);
            double score = VectorScore.Compute(function, query.Span, vector);
            float ordered = (float)(higherIsBetter ? score : -score);
            if (ordered >= heap.Threshold)
            {
                heap.Offer(ordered, rowIds.Count);
                rowIds.Add(reader.GetInt64(0));
                scores.Add(score);
            }
        }

        return heap.ToSortedArray().Select(x => (rowIds[x.Slot], scores[x.Slot])).ToList();
    }

    private static float[] Fill(float[] destination, byte[] bytes)
    {
        VectorBlob.ToVector(bytes).CopyTo(destination, 0);
        return destination;
    }

    private async Task<List<StoredRecord>> ReadAsync(SqliteConnection connection, string where, (string, object?)[] parameters, bool includeVectors, CancellationToken cancellationToken)
    {
        var records = new List<StoredRecord>();
        using (var command = SqliteCommands.Command(connection, null, $"SELECT r.key, r.data FROM vectordata_records r WHERE r.collection = $c AND {where}", [.. parameters, ("$c", Name)]))
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(new StoredRecord(reader.GetString(0), SqliteRecordJson.Read(_mapper.Model, reader.GetString(1)), new float[]?[_mapper.Model.VectorProperties.Count]));
            }
        }

        if (includeVectors)
        {
            foreach (var record in records)
            {
                using var command = SqliteCommands.Command(connection, null, "SELECT property, vector FROM vectordata_vectors WHERE collection = $c AND key = $k", ("$c", Name), ("$k", record.Key));
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    string storage = reader.GetString(0);
                    int v = _mapper.Model.VectorProperties.ToList().FindIndex(p => p.StorageName == storage);
                    if (v >= 0)
                    {
                        record.Vectors[v] = VectorBlob.ToVector((byte[])reader.GetValue(1));
                    }
                }
            }
        }

        return records;
    }

    private async Task<string?> LayoutAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = SqliteCommands.Command(connection, null, "SELECT layout FROM vectordata_collections WHERE name = $c", ("$c", Name));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private async Task RequireAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        string? layout = await LayoutAsync(connection, cancellationToken).ConfigureAwait(false);
        if (layout is null)
        {
            throw new VectorStoreException($"Collection '{Name}' does not exist; call EnsureCollectionExistsAsync first.")
            {
                VectorStoreSystemName = SystemName,
                CollectionName = Name,
            };
        }

        if (!string.Equals(layout, _layout, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Collection '{Name}' holds vectors {layout}; this record type declares {_layout}.");
        }
    }
}
