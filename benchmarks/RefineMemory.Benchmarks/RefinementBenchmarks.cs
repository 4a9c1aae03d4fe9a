using BenchmarkDotNet.Attributes;
using RefineMemory.Refine;

namespace RefineMemory.Benchmarks;

/// <summary>One query refinement: 20 judged documents, 100 Adam steps (the paper's setting).</summary>
[MemoryDiagnoser]
public class RefinementBenchmarks
{
    private float[] _query = [];
    private float[] _documents = [];
    private float[] _scores = [];

    [Params(384, 1024, 4096)]
    public int Dimension { get; set; }

    [Params(false, true)]
    public bool ReFit { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        _query = Enumerable.Range(0, Dimension).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        _documents = Enumerable.Range(0, 20 * Dimension).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        _scores = Enumerable.Range(0, 20).Select(_ => (float)rng.NextDouble()).ToArray();
    }

    [Benchmark]
    public float[] Refine() => QueryRefiner.Refine(
        _query, _documents, _scores, null,
        new RefinementOptions { Mode = ReFit ? RefinementMode.ReFit : RefinementMode.KlDivergence }.UsePaperStep()).RefinedQuery;
}
