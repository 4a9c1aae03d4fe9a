using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;
using RefineMemory.Retrieve;

namespace RefineMemory.Connectors.InMemory;

/// <summary>
/// A VectorData collection held in memory and searched exactly: cosine through the SIMD
/// <see cref="ExactVectorIndex"/>, dot product and Euclidean by a flat scan. Keys are strings or Guids;
/// records are copied in and out, so callers never share state with the store.
/// </summary>
public class ExactInMemoryCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
    where TKey : notnull
    where TRecord : class
{
    internal const string SystemName = "refinememory.exact-in-memory";

    private readonly ConcurrentDictionary<string, ExactInMemoryCollectionData> _store;
    private readonly RecordMapper<TRecord> _mapper;
    private readonly string[] _functions;
    private readonly ExactInMemoryCollectionOptions _options;

    /// <summary>A collection in a store of its own.</summary>
    public ExactInMemoryCollection(string name, ExactInMemoryCollectionOptions? options = null)
        : this(new ConcurrentDictionary<string, ExactInMemoryCollectionData>(StringComparer.Ordinal), name, options, dynamic: false)
    {
    }

    internal ExactInMemoryCollection(ConcurrentDictionary<string, ExactInMemoryCollectionData> store, string name, ExactInMemoryCollectionOptions? options, bool dynamic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _options = options ?? new ExactInMemoryCollectionOptions();
        if (_options.EmbeddingGenerator is not null)
        {
            throw new NotSupportedException("ExactInMemoryCollectionOptions.EmbeddingGenerator is not supported: the store holds vectors the caller computed; wrap the collection in RefinedVectorSearch to search by text.");
        }

        if (typeof(TKey) != typeof(string) && typeof(TKey) != typeof(Guid) && !(dynamic && typeof(TKey) == typeof(object)))
        {
            throw new NotSupportedException($"Key type '{typeof(TKey).Name}': the exact in-memory store supports string and Guid keys.");
        }

        Name = name;
        _store = store;
        _mapper = new RecordMapper<TRecord>(RecordMapper<TRecord>.BuildModel(typeof(TKey), _options.Definition, dynamic), name);
        _functions = _mapper.Model.VectorProperties.Select(v => VectorScore.Resolve(v.DistanceFunction, v.ModelName)).ToArray();
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_store.ContainsKey(Name));

    /// <inheritdoc />
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        var data = _store.GetOrAdd(Name, _ => new ExactInMemoryCollectionData(_mapper.Model, _functions, _options.IndexOptions));
        CheckLayout(data);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        _store.TryRemove(Name, out _);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var data = Data();
        return Task.FromResult(data.Records.TryGetValue(_mapper.KeyText(key), out var stored)
            ? _mapper.ToRecord(stored, options?.IncludeVectors ?? false)
            : null);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(IEnumerable<TKey> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
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
            throw new NotSupportedException("FilteredRecordRetrievalOptions.OrderBy is not supported by the exact in-memory store; records come in key order.");
        }

        var predicate = ExactInMemoryFilter.Compile(filter, _mapper.Model, _mapper.KeyText)!;
        var matches = Data().Records.Values.Where(predicate).OrderBy(r => r.Key, StringComparer.Ordinal).Skip(options.Skip).Take(top);
        foreach (var stored in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return _mapper.ToRecord(stored, options.IncludeVectors);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default) => DeleteAsync([key], cancellationToken);

    /// <inheritdoc />
    public override Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var data = Data();
        var texts = keys.Select(k => _mapper.KeyText(k)).ToArray();
        lock (data.WriteLock)
        {
            foreach (string key in texts)
            {
                data.Records.TryRemove(key, out _);
                foreach (var index in data.Indexes)
                {
                    index?.Remove(key);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default) => UpsertAsync([record], cancellationToken);

    /// <exception cref="DimensionMismatchException">A vector's length is not its property's declared dimension (nothing of the batch is stored).</exception>
    public override Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var data = Data();

        // The whole batch is read and checked before anything is stored, so a bad record loses no data.
        var stored = records.Select(_mapper.ToStored).ToArray();
        for (int v = 0; v < data.Indexes.Length; v++)
        {
            foreach (var s in stored)
            {
                if (data.Indexes[v] is not null && s.Vectors[v] is { } vector)
                {
                    Guard.NonZero(vector, $"cosine vector '{_mapper.Model.VectorProperties[v].ModelName}' of record '{s.Key}'");
                }
            }
        }

        lock (data.WriteLock)
        {
            foreach (var s in stored)
            {
                cancellationToken.ThrowIfCancellationRequested();
                data.Records[s.Key] = s;
                for (int v = 0; v < data.Indexes.Length; v++)
                {
                    if (data.Indexes[v] is { } index)
                    {
                        if (s.Vectors[v] is { } vector)
                        {
                            index.Upsert(s.Key, vector);
                        }
                        else
                        {
                            index.Remove(s.Key);
                        }
                    }
                }
            }
        }

        return Task.CompletedTask;
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
        var data = Data();
        int v = _mapper.VectorIndex(options);
        var property = _mapper.Model.VectorProperties[v];
        Guard.Dimension(query.Span, property.Dimensions, $"The query vector for '{property.ModelName}' (collection '{Name}')");
        Guard.Finite(query.Span, "query vector");
        var filter = ExactInMemoryFilter.Compile(options.Filter, _mapper.Model, _mapper.KeyText);
        string function = _functions[v];
        int depth = (int)Math.Min((long)options.Skip + top, int.MaxValue); // top may be int.MaxValue: "all"
        var ranked = data.Indexes[v] is { } index
            ? Cosine(index, data, query, depth, filter, function)
            : Scan(data, v, query, depth, filter, function, cancellationToken);
        foreach (var (stored, score) in ranked.Where(r => VectorScore.Passes(function, r.Score, options.ScoreThreshold)).Skip(options.Skip).Take(top))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new VectorSearchResult<TRecord>(_mapper.ToRecord(stored, options.IncludeVectors), score);
        }

        await Task.CompletedTask.ConfigureAwait(false);
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

    private static List<(StoredRecord Stored, double Score)> Cosine(ExactVectorIndex index, ExactInMemoryCollectionData data, ReadOnlyMemory<float> query, int k, Func<StoredRecord, bool>? filter, string function)
    {
        Func<string, bool>? accept = filter is null ? null : key => data.Records.TryGetValue(key, out var r) && filter(r);
        var hits = index.Search(query.Span, k, accept);
        var ranked = new List<(StoredRecord, double)>(hits.Count);
        foreach (var hit in hits)
        {
            if (data.Records.TryGetValue(hit.Id, out var stored))
            {
                ranked.Add((stored, VectorScore.FromCosine(function, hit.Score)));
            }
        }

        return ranked;
    }

    private static List<(StoredRecord Stored, double Score)> Scan(ExactInMemoryCollectionData data, int v, ReadOnlyMemory<float> query, int k, Func<StoredRecord, bool>? filter, string function, CancellationToken cancellationToken)
    {
        var candidates = data.Records.Values.ToArray();
        var heap = new TopKHeap(Math.Max(1, Math.Min(k, candidates.Length)));
        var scores = new double[candidates.Length];
        bool higherIsBetter = VectorScore.HigherIsBetter(function);
        for (int i = 0; i < candidates.Length; i++)
        {
            if ((i & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (candidates[i].Vectors[v] is not { } vector || (filter is not null && !filter(candidates[i])))
            {
                continue;
            }

            scores[i] = VectorScore.Compute(function, query.Span, vector);
            float ordered = (float)(higherIsBetter ? scores[i] : -scores[i]);
            if (ordered >= heap.Threshold)
            {
                heap.Offer(ordered, i);
            }
        }

        return heap.ToSortedArray().Select(x => (candidates[x.Slot], scores[x.Slot])).ToList();
    }

    private ExactInMemoryCollectionData Data()
    {
        if (!_store.TryGetValue(Name, out var data))
        {
            throw new VectorStoreException($"Collection '{Name}' does not exist; call EnsureCollectionExistsAsync first.")
            {
                VectorStoreSystemName = SystemName,
                CollectionName = Name,
            };
        }

        CheckLayout(data);
        return data;
    }

    private void CheckLayout(ExactInMemoryCollectionData data)
    {
        string layout = ExactInMemoryCollectionData.Describe(_mapper.Model);
        if (!string.Equals(layout, data.Layout, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Collection '{Name}' holds vectors {data.Layout}; this record type declares {layout}.");
        }
    }
}
