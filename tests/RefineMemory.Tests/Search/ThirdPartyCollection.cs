using System.Linq.Expressions;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;
using RefineMemory.Testing.VectorData;

namespace RefineMemory.Tests.Search;

/// <summary>
/// A stand-in for somebody else's store, written against the public VectorData API only: a list searched by
/// cosine, with filters compiled by LINQ. <c>refuseVectors</c> makes it refuse IncludeVectors, as stores
/// that embed text themselves do.
/// </summary>
internal sealed class ThirdPartyCollection(IEnumerable<Passage> passages, bool refuseVectors) : VectorStoreCollection<string, Passage>
{
    private readonly List<Passage> _passages = [.. passages];

    public List<VectorSearchOptions<Passage>> Searches { get; } = [];

    public override string Name => "third-party";

    public override async IAsyncEnumerable<VectorSearchResult<Passage>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<Passage>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new();
        Searches.Add(options);
        if (options.IncludeVectors && refuseVectors)
        {
            throw new NotSupportedException("This store generates its embeddings and cannot return them.");
        }

        var query = searchValue is ReadOnlyMemory<float> m ? m : throw new NotSupportedException($"input {typeof(TInput).Name}");
        var filter = options.Filter?.Compile() ?? (_ => true);
        var ranked = _passages.Where(filter)
            .Select(p => (Passage: p, Score: (double)TensorPrimitives.CosineSimilarity(query.Span, p.Embedding!.Value.Span)))
            .Where(r => options.ScoreThreshold is not double t || r.Score >= t)
            .OrderByDescending(r => r.Score)
            .Skip(options.Skip)
            .Take(top);
        foreach (var (p, score) in ranked)
        {
            yield return new VectorSearchResult<Passage>(p.Copy(withVector: options.IncludeVectors), score);
        }

        await Task.CompletedTask;
    }

    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override Task<Passage?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override IAsyncEnumerable<Passage> GetAsync(IEnumerable<string> keys, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override IAsyncEnumerable<Passage> GetAsync(Expression<Func<Passage, bool>> filter, int top, FilteredRecordRetrievalOptions<Passage>? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override Task DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override Task UpsertAsync(Passage record, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override Task UpsertAsync(IEnumerable<Passage> records, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public override object? GetService(Type serviceType, object? serviceKey = null) => null;
}
