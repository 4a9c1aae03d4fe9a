using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Judge;
using RefineMemory.Memory;

namespace RefineMemory.Search;

/// <summary>
/// Refined search by collection name over a memory store: a facade over the one pipeline,
/// <see cref="RefinedVectorSearch{TRecord}"/>, run on the collection's <see cref="IMemoryCollection.Chunks"/> with the
/// collection's instruction and template. It adds only what a name-addressed memory needs: the embedder guard, the
/// tag filter, and hits shaped as chunks with their citations.
/// </summary>
public sealed class RefinedSearch
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly IRelevanceJudge _judge;

    /// <summary>Refined search over the collections of <paramref name="store"/>, embedding queries with <paramref name="embedder"/> and judging with <paramref name="judge"/>.</summary>
    public RefinedSearch(IMemoryStore store, IEmbeddingGenerator<string, Embedding<float>> embedder, IRelevanceJudge judge, RefinedSearchOptions? options = null)
    {
        Store = store ?? throw new ArgumentNullException(nameof(store));
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        _judge = judge ?? throw new ArgumentNullException(nameof(judge));
        Options = options ?? new RefinedSearchOptions();
        Options.Validate();
    }

    /// <summary>The store searched (and written by the ingest tool).</summary>
    public IMemoryStore Store { get; }

    /// <summary>The defaults in effect.</summary>
    public RefinedSearchOptions Options { get; }

    /// <summary>Runs one refined search.</summary>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="EmbedderMismatchException">The collection was embedded by another model.</exception>
    /// <exception cref="DimensionMismatchException">The embedder's vectors do not match the collection's dimension.</exception>
    /// <remarks>
    /// <paramref name="top"/> <c>null</c> returns <see cref="RefinedSearchOptions.Top"/> results; the request's filter
    /// selects by tags through <see cref="MemoryRecord.TagFilter"/>.
    /// </remarks>
    public async Task<RefinedSearchResult> SearchAsync(string collection, string query, int? top = null, RefinedVectorSearchRequest<MemoryRecord>? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(top ?? Options.Top, 1, nameof(top));
        var col = await Store.GetCollectionAsync(collection, cancellationToken).ConfigureAwait(false);
        EmbedderMismatchException.ThrowIfDifferent(col.Name, col.EmbeddingModel, _embedder);
        var pipeline = new RefinedVectorSearch<MemoryRecord>(col.Chunks, _embedder, _judge, new()
        {
            KeySelector = r => r.Id,
            TextSelector = r => r.Text,
            VectorSelector = r => r.Embedding,
            Instruction = col.Instruction ?? Options.Instruction,
            InstructionTemplate = col.Instruction is null ? Options.InstructionTemplate : col.InstructionTemplate,
            Refine = Options.Refine,
            SampleDepth = Options.SampleDepth,
            QueryWriter = Options.QueryWriter,
            Refinement = Options.Refinement,
        });
        var result = await pipeline.SearchAsync(query, top ?? Options.Top, request, cancellationToken).ConfigureAwait(false);
        var hits = result.Hits.Select(h => new RefinedSearchHit(h.Record.Id, h.Record.DocumentId, h.Record.Text, h.Record.Source, h.Record.Metadata,
            (float)(h.Score ?? double.NaN), h.ScoreBefore is { } b ? (float)b : null, h.Rank, h.RankBefore)).ToArray();
        return new RefinedSearchResult(col.Name, query, result.Instruction, hits, result.Diagnostics);
    }
}
