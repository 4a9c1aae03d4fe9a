using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using RefineMemory.Connectors.InMemory;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Retrieve;
using RefineMemory.Search;

namespace RefineMemory.Benchmarks;

/// <summary>
/// What the VectorData decorator costs over the direct pipeline: the same 100k x 384 random vectors searched by
/// <see cref="RefinedSearch"/> (the memory pipeline, baseline) and by <see cref="RefinedVectorSearch{TRecord}"/> over
/// the exact in-memory VectorData collection, with a precomputed query vector and a judge that answers at once,
/// so only retrieval, refinement, re-scoring and the decorator's own work are timed. Goal: at most 10 % more.
/// <c>dotnet run -c Release --project benchmarks/RefineMemory.Benchmarks -- --filter '*DecoratorOverhead*'</c>
/// </summary>
[MemoryDiagnoser]
public class DecoratorOverheadBenchmarks
{
    private const int Dimension = 384;
    private RefinedSearch _pipeline = null!;
    private RefinedVectorSearch<Chunk> _decorator = null!;

    [Params(100_000)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        var chunks = new Chunk[Count];
        for (int i = 0; i < Count; i++)
        {
            var v = new float[Dimension];
            for (int j = 0; j < Dimension; j++)
            {
                v[j] = (float)(rng.NextDouble() - 0.5);
            }

            string id = i.ToString(CultureInfo.InvariantCulture) + "#0";
            chunks[i] = new Chunk { Id = id, Text = "chunk text " + id, Embedding = v };
        }

        var embedder = new QueryEmbedder();
        var judge = new InstantJudge();
        _pipeline = new RefinedSearch(new ChunkStore(chunks), embedder, judge);

        var collection = new ExactInMemoryVectorStore(new ExactVectorIndexOptions { InitialCapacity = Count }).GetCollection<string, Chunk>("bench");
        collection.EnsureCollectionExistsAsync().GetAwaiter().GetResult();
        collection.UpsertAsync(chunks).GetAwaiter().GetResult();
        _decorator = new RefinedVectorSearch<Chunk>(collection, embedder, judge);
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Pipeline() => (await _pipeline.SearchAsync("bench", "query", 10)).Hits.Count;

    [Benchmark]
    public async Task<int> Decorator() => (await _decorator.SearchAsync("query", 10)).Hits.Count;

    public sealed class Chunk
    {
        [VectorStoreKey]
        public string Id { get; set; } = "";

        [VectorStoreData]
        public string Text { get; set; } = "";

        [VectorStoreVector(Dimension)]
        public ReadOnlyMemory<float>? Embedding { get; set; }
    }

    /// <summary>The memory pipeline's view of the same chunks: one collection over an exact index.</summary>
    private sealed class ChunkStore : IMemoryStore, IMemoryCollection
    {
        private static readonly Dictionary<string, string> NoTags = [];
        private readonly Dictionary<string, Chunk> _chunks;

        public ChunkStore(Chunk[] chunks)
        {
            _chunks = chunks.ToDictionary(c => c.Id, StringComparer.Ordinal);
            Index = new ExactVectorIndex(Dimension, new ExactVectorIndexOptions { InitialCapacity = chunks.Length });
            foreach (var c in chunks)
            {
                Index.Upsert(c.Id, c.Embedding!.Value.Span);
            }
        }

        public string Name => "bench";

        public int Dimension => DecoratorOverheadBenchmarks.Dimension;

        public string? Instruction => null;

        public string InstructionTemplate => Embed.QueryInstruction.DefaultTemplate;

        public ExactVectorIndex Index { get; }

        public int Count => Index.Count;

        public Task<MemoryRecord?> GetAsync(string id, bool includeEmbedding = false, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The benchmark store only searches.");

        public Microsoft.Extensions.VectorData.IVectorSearchable<MemoryRecord> Chunks => field ??= new Search.ExactMemoryChunks(Name, Index,
            id => _chunks.TryGetValue(id, out var c) ? new MemoryRecord(id, id, 0, c.Text, "bench", NoTags) : null);

        public Task<IMemoryCollection> GetCollectionAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult<IMemoryCollection>(this);

        public Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<string>>(["bench"]);

        public Task<IngestResult> IngestAsync(string collection, IReadOnlyList<MemoryDocument> documents, IngestOptions? options = null, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The benchmark store is read-only.");
    }

    private sealed class QueryEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly float[] _vector = Enumerable.Range(0, Dimension).Select(i => (float)Math.Cos(i + 1)).ToArray();

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(_vector))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    /// <summary>Answers at once (every third document relevant), so the judge costs nothing.</summary>
    private sealed class InstantJudge : IRelevanceJudge
    {
        public Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new JudgeResult(request.Documents.Select((d, i) => RelevanceJudgment.Scored(d.Id, i % 3 == 0 ? 1f : 0f)).ToArray()));
    }
}
