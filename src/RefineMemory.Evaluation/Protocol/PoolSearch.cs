using Microsoft.Extensions.AI;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Refine;
using RefineMemory.Retrieve;
using RefineMemory.Search;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>
/// One query's candidate pool as an exact in-process memory collection, searched by the shipped pipeline
/// (<see cref="RefinedVectorSearch{TRecord}"/>) for the whole pool: what a user's refined search over those
/// documents returns is what the evaluation scores.
/// </summary>
internal sealed class PoolSearch
{
    private static readonly Dictionary<string, string> NoTags = [];
    private readonly ExactMemoryChunks _chunks;
    private readonly Dictionary<string, int> _position;

    public PoolSearch(EvalDataset dataset, DatasetEmbeddings embeddings, EvalQuery query)
    {
        var index = new ExactVectorIndex(embeddings.Dimension, new ExactVectorIndexOptions { InitialCapacity = query.Pool.Count });
        var records = new Dictionary<string, MemoryRecord>(query.Pool.Count, StringComparer.Ordinal);
        _position = new Dictionary<string, int>(query.Pool.Count, StringComparer.Ordinal);
        for (int p = 0; p < query.Pool.Count; p++)
        {
            var document = dataset.Documents[query.Pool[p]];
            if (!_position.TryAdd(document.Id, p))
            {
                throw new InvalidDataException($"Query '{query.Id}' lists document '{document.Id}' twice in its pool.");
            }

            records[document.Id] = new MemoryRecord(document.Id, document.Id, 0, document.Text, null, NoTags);
            index.Upsert(document.Id, embeddings.Document(query.Pool[p]).Span);
        }

        _chunks = new ExactMemoryChunks(query.Id, index, id => records.GetValueOrDefault(id));
        Size = query.Pool.Count;
    }

    /// <summary>The documents of the pool.</summary>
    public int Size { get; }

    /// <summary>
    /// Runs the pipeline for the whole pool with the query's precomputed embedding and returns each pool
    /// document's score before and after refinement, in pool order, with the search's diagnostics.
    /// </summary>
    public async Task<PoolRanking> RankAsync(EvalQuery query, ReadOnlyMemory<float> queryVector, IRelevanceJudge judge, RefinementOptions refinement, CancellationToken cancellationToken, bool refine = true)
    {
        var pipeline = new RefinedVectorSearch<MemoryRecord>(_chunks, PrecomputedQueries.Instance, judge, new RefinedVectorSearchOptions<MemoryRecord>
        {
            KeySelector = r => r.Id,
            TextSelector = r => r.Text,
            VectorSelector = r => r.Embedding,
            Instruction = query.Instruction,
            SampleDepth = Size,
            Refine = refine,
            Refinement = refinement,
        });
        var result = await pipeline.SearchAsync(query.Text, Size, new RefinedVectorSearchRequest<MemoryRecord> { QueryVector = queryVector }, cancellationToken).ConfigureAwait(false);
        var before = new float[Size];
        var after = new float[Size];
        // A fused ranking is not in score order (the verdicts placed the judged documents): its rank is its score.
        bool fused = refinement.Fusion && result.Diagnostics.Refined;
        foreach (var hit in result.Hits)
        {
            int p = _position[hit.Record.Id];
            after[p] = fused ? Size - hit.Rank + 1 : (float)hit.Score!.Value;
            before[p] = (float)(hit.ScoreBefore ?? hit.Score!.Value);
        }

        return new PoolRanking(before, after, result.Diagnostics);
    }

    /// <summary>The judgments a search made, as the judge's result, for replaying them under other settings.</summary>
    public static JudgeResult Judgments(SearchDiagnostics diagnostics) => new(
        [.. diagnostics.Judged.Select(j => j.Score is { } s ? RelevanceJudgment.Scored(j.Id, s) : RelevanceJudgment.Failed(j.Id, j.FailureKind ?? JudgeFailureKind.MalformedResponse, j.Failure ?? ""))],
        diagnostics.Judge);


    /// <summary>The evaluation's queries come embedded (with their instruction); nothing is embedded at search time.</summary>
    private sealed class PrecomputedQueries : IEmbeddingGenerator<string, Embedding<float>>
    {
        public static readonly PrecomputedQueries Instance = new();

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The evaluation passes every query's embedding and reads stored document vectors; nothing should be embedded during its search.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

/// <summary>Each pool document's cosine to the original and to the refined query (pool order), and what the search did.</summary>
internal sealed record PoolRanking(float[] Before, float[] After, SearchDiagnostics Diagnostics);
