using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Retrieve;
using RefineMemory.Search;
using RefineMemory.Testing;

namespace RefineMemory.Benchmarks;

/// <summary>
/// End-to-end <see cref="RefinedSearch"/> on 100k chunks of d = 384 (the default embedder's width, arctic-embed-xs),
/// with the 8-bit scan and without, on uniform random vectors (every cosine near 0: the worst case for the 8-bit
/// copy's error bounds, which decide how many chunks the ranks before refinement must score exactly) and on
/// clustered ones (<see cref="ClusteredVectors"/>, 1,000 clusters, the query drawn near one: like a real corpus's
/// embeddings): plain search (refinement off) as the baseline, a refined search whose judge answers at once (its
/// mean is the pipeline minus the judge), and one whose judge takes 100 ms per request (a chat model judging
/// 20 documents in parallel). The query embedding is precomputed so the figures are the pipeline's own; the
/// stage split (embed, retrieve, judge, optimise, re-score) and passes over the collection per search are
/// printed as medians after the run.
/// <c>dotnet run -c Release --project benchmarks/RefineMemory.Benchmarks -- --filter '*SearchPipeline*'</c>
/// </summary>
public class SearchPipelineBenchmarks
{
    private readonly List<SearchDiagnostics> _diagnostics = [];
    private RefinedSearch _search = null!;
    private RefinedSearch _instant = null!;
    private ActivityListener? _activities;
    private MeterListener? _meters;
    private long _spans;
    private long _measurements;

    [Params(100_000)]
    public int Count { get; set; }

    [Params(ScanQuantization.None, ScanQuantization.Int8)]
    public ScanQuantization Quantization { get; set; }

    [Params("uniform", "clustered")]
    public string Data { get; set; } = "uniform";

    public int Dimension { get; set; } = 384;

    [GlobalSetup]
    public void Setup()
    {
        var store = new InMemoryStore(Count, Dimension, Quantization, Data, seed: 7, out float[] query);
        _search = new RefinedSearch(store, new FixedQueryEmbedder(query), new DelayedJudge(TimeSpan.FromMilliseconds(100)));
        _instant = new RefinedSearch(store, new FixedQueryEmbedder(query), new DelayedJudge(TimeSpan.Zero));
    }

    [Benchmark(Baseline = true)]
    public async Task<int> PlainSearch() => (await _search.SearchAsync("bench", "query", 10, new() { Refine = false })).Hits.Count;

    [Benchmark]
    public async Task<int> RefinedSearchInstantJudge()
    {
        var result = await _instant.SearchAsync("bench", "query", 10);
        return result.Diagnostics.Refined ? result.Hits.Count : throw new InvalidOperationException("The search was not refined: " + result.Diagnostics.SkippedReason);
    }

    /// <summary>
    /// The instant-judge search while a listener records every RefineMemory span and measurement (the cost of the
    /// instrumentation itself, no exporter); <see cref="RefinedSearchInstantJudge"/> is the same without one.
    /// </summary>
    [Benchmark]
    public Task<int> RefinedSearchInstantJudgeListened() => RefinedSearchInstantJudge();

    [GlobalSetup(Target = nameof(RefinedSearchInstantJudgeListened))]
    public void SetupListened()
    {
        Setup();
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == RefineMemory.Diagnostics.RefineMemoryTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _spans++,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener { InstrumentPublished = (i, l) => { if (i.Meter.Name == RefineMemory.Diagnostics.RefineMemoryTelemetry.Name) { l.EnableMeasurementEvents(i); } } };
        _meters.SetMeasurementEventCallback<long>((_, _, _, _) => _measurements++);
        _meters.SetMeasurementEventCallback<double>((_, _, _, _) => _measurements++);
        _meters.Start();
    }

    [GlobalCleanup(Target = nameof(RefinedSearchInstantJudgeListened))]
    public void CleanupListened()
    {
        _activities?.Dispose();
        _meters?.Dispose();
        Console.WriteLine(FormattableString.Invariant($"// listened: {_spans} spans, {_measurements} measurements"));
    }

    [Benchmark]
    public async Task<int> RefinedSearchWith100msJudge()
    {
        var result = await _search.SearchAsync("bench", "query", 10);
        _diagnostics.Add(result.Diagnostics);
        return result.Hits.Count;
    }

    [GlobalCleanup]
    public void Report()
    {
        if (_diagnostics.Count == 0)
        {
            return;
        }

        static double Median(IEnumerable<double> xs)
        {
            var s = xs.Order().ToArray();
            return s[s.Length / 2];
        }

        var d = _diagnostics;
        double Ms(Func<SearchDiagnostics, TimeSpan> f) => Median(d.Select(x => f(x).TotalMilliseconds));
        double allButJudge = Median(d.Select(x => (x.TotalTime - x.JudgeTime).TotalMilliseconds));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// stages ({Quantization}, {Data}; median of {d.Count} refined searches with the 100 ms judge, ms; passes per search {Median(d.Select(x => (double)x.Passes))}): embed {Ms(x => x.EmbedTime):0.00} | retrieve {Ms(x => x.RetrieveTime):0.00} | judge {Ms(x => x.JudgeTime):0.00} | optimise {Ms(x => x.OptimiseTime):0.00} | re-score {Ms(x => x.RescoreTime):0.00} | total {Ms(x => x.TotalTime):0.00} | all but judge {allButJudge:0.00}"));
        _diagnostics.Clear();
    }

    /// <summary>Random unit-ish vectors in memory; the store interface without SQLite, so only the pipeline is timed.</summary>
    private sealed class InMemoryStore : IMemoryStore, IMemoryCollection
    {
        private readonly Dictionary<string, MemoryRecord> _records = new(StringComparer.Ordinal);

        public InMemoryStore(int count, int dimension, ScanQuantization quantization, string data, int seed, out float[] query)
        {
            Dimension = dimension;
            Index = new ExactVectorIndex(dimension, new ExactVectorIndexOptions { InitialCapacity = count, Quantization = quantization });
            var rng = new Random(seed);
            var clustered = data == "clustered" ? new ClusteredVectors(dimension, clusters: 1000, seed) : null;
            var v = new float[dimension];
            var tags = new Dictionary<string, string>();
            for (int i = 0; i < count; i++)
            {
                if (clustered is not null)
                {
                    clustered.Next(v);
                }
                else
                {
                    for (int j = 0; j < dimension; j++)
                    {
                        v[j] = (float)(rng.NextDouble() - 0.5);
                    }
                }

                string id = i.ToString(CultureInfo.InvariantCulture) + "#0";
                _records[id] = new MemoryRecord(id, i.ToString(CultureInfo.InvariantCulture), 0, "chunk text " + id, "bench", tags);
                Index.Upsert(id, v);
            }

            query = new float[dimension];
            if (clustered is not null)
            {
                clustered.Next(query);
            }
            else
            {
                for (int j = 0; j < dimension; j++)
                {
                    query[j] = MathF.Sin(j + 1);
                }
            }
        }

        public string Name => "bench";

        public int Dimension { get; }

        public string? Instruction => null;

        public string InstructionTemplate => Embed.QueryInstruction.DefaultTemplate;

        public ExactVectorIndex Index { get; }

        public int Count => Index.Count;

        public Task<MemoryRecord?> GetAsync(string id, bool includeEmbedding = false, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The benchmark store only searches.");

        public Microsoft.Extensions.VectorData.IVectorSearchable<MemoryRecord> Chunks => field ??= new Search.ExactMemoryChunks(Name, Index, id => _records.GetValueOrDefault(id));

        public Task<IMemoryCollection> GetCollectionAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult<IMemoryCollection>(this);

        public Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<string>>(["bench"]);

        public Task<IngestResult> IngestAsync(string collection, IReadOnlyList<MemoryDocument> documents, IngestOptions? options = null, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The benchmark store is read-only.");
    }

    /// <summary>A precomputed query vector: the embedder's cost is measured by the embedder's own benchmarks.</summary>
    private sealed class FixedQueryEmbedder(float[] vector) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly float[] _vector = vector;

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(_vector))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    /// <summary>A judge answering after a fixed latency; every third document is relevant.</summary>
    private sealed class DelayedJudge(TimeSpan latency) : IRelevanceJudge
    {
        public async Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
        {
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, cancellationToken);
            }

            return new JudgeResult(request.Documents.Select((d, i) => RelevanceJudgment.Scored(d.Id, i % 3 == 0 ? 1f : 0f)).ToArray());
        }
    }
}
