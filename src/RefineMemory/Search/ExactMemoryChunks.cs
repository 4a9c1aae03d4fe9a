using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;
using RefineMemory.Memory;
using RefineMemory.Retrieve;

namespace RefineMemory.Search;

/// <summary>
/// A memory collection's chunks searched in process: cosine through the SIMD <see cref="ExactVectorIndex"/>
/// (its 8-bit first pass re-ranked exactly), a filter compiled to a predicate over the chunk records, and a
/// first pass that keeps every chunk's score so each refined result gets its exact rank before refinement.
/// </summary>
public sealed class ExactMemoryChunks : IVectorSearchable<MemoryRecord>, IRankedSearchable<MemoryRecord>
{
    private readonly string _collection;
    private readonly ExactVectorIndex _index;
    private readonly Func<string, MemoryRecord?> _record;

    /// <param name="collection">The collection's name, for messages.</param>
    /// <param name="index">The chunk embeddings by chunk id.</param>
    /// <param name="record">The chunk record of an indexed id (<c>null</c> when it has gone).</param>
    public ExactMemoryChunks(string collection, ExactVectorIndex index, Func<string, MemoryRecord?> record)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(record);
        _collection = collection;
        _index = index;
        _record = record;
    }

    /// <summary>
    /// The store the chunks come from, as OpenTelemetry's <c>db.system.name</c> (e.g. <c>sqlite</c>); with the collection's
    /// name it answers <see cref="GetService"/> for <see cref="VectorStoreCollectionMetadata"/>, so a refined search's
    /// spans and metrics name the memory collection. Default <c>refinememory.exact-in-memory</c>.
    /// </summary>
    public string StoreSystemName { get; init; } = "refinememory.exact-in-memory";

    /// <inheritdoc />
    public async IAsyncEnumerable<VectorSearchResult<MemoryRecord>> SearchAsync<TInput>(
        TInput searchValue, int top, VectorSearchOptions<MemoryRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        options ??= new VectorSearchOptions<MemoryRecord>();
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip);
        var query = ChunkQuery.Vector(searchValue, _collection, _index.Dimension);
        var hits = _index.Search(query.Span, options.Skip + top, Predicate(options.Filter));
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var hit in hits.Skip(options.Skip))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (options.ScoreThreshold is { } threshold && hit.Score < threshold)
            {
                yield break;
            }

            if (Record(hit.Id, options.IncludeVectors) is { } record)
            {
                yield return new VectorSearchResult<MemoryRecord>(record, hit.Score);
            }
        }
    }

    /// <inheritdoc />
    public Task<RankedFirstPass<MemoryRecord>> SearchRankedAsync(ReadOnlyMemory<float> query, int top, VectorSearchOptions<MemoryRecord> options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var checkedQuery = ChunkQuery.Vector(query, _collection, _index.Dimension);
        // A first pass as deep as the collection needs every exact score; otherwise the 8-bit copy may serve it.
        var snapshot = ScoreSnapshot.Compute(_index, checkedQuery.ToArray(), Predicate(options.Filter), top, exact: top >= _index.Count);
        var results = new List<VectorSearchResult<MemoryRecord>>(snapshot.Top.Length);
        foreach (var hit in snapshot.Top)
        {
            if (Record(hit.Id, includeVector: true) is { } record)
            {
                results.Add(new VectorSearchResult<MemoryRecord>(record, hit.Score));
            }
        }

        return Task.FromResult<RankedFirstPass<MemoryRecord>>(new SnapshotPass(results, snapshot));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? new VectorStoreCollectionMetadata { CollectionName = _collection, VectorStoreSystemName = StoreSystemName }
            : serviceType.IsInstanceOfType(this) ? this : null;
    }

    private MemoryRecord? Record(string id, bool includeVector)
    {
        var record = _record(id);
        return record is null || !includeVector ? record : record with { Embedding = _index.GetVector(id) };
    }

    private Func<string, bool>? Predicate(Expression<Func<MemoryRecord, bool>>? filter)
    {
        if (filter is null)
        {
            return null;
        }

        // The memory's own filter (tags) is tested directly; any other expression is compiled, never interpreted:
        // it runs once per chunk of the scan.
        Func<MemoryRecord, bool> test = TagConditions.TryRead(filter, out var tags, out _) ? tags.Pass : filter.Compile();
        return id => _record(id) is { } r && test(r);
    }

    private sealed class SnapshotPass(List<VectorSearchResult<MemoryRecord>> results, ScoreSnapshot snapshot)
        : RankedFirstPass<MemoryRecord>(results, snapshot.EligibleCount)
    {
        public override int Passes => snapshot.Passes;

        public override (double Score, int Rank)[] Locate(IReadOnlyList<string> keys) =>
            [.. snapshot.Locate(keys).Select(l => ((double)l.Score, l.Rank))];
    }
}
