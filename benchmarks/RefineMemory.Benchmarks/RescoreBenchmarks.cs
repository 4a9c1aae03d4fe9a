using BenchmarkDotNet.Attributes;
using RefineMemory.Retrieve;

namespace RefineMemory.Benchmarks;

/// <summary>
/// Re-scoring a collection: top-10 by cosine over n vectors of d = 384 (what every refined search ends with).
/// Throughput in GB/s of vectors scanned = n * d * 4 bytes / mean time.
/// </summary>
public class RescoreBenchmarks
{
    private ExactVectorIndex _index = null!;
    private float[] _query = [];

    [Params(100_000, 1_000_000)]
    public int Count { get; set; }

    public int Dimension { get; set; } = 384;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        _index = new ExactVectorIndex(Dimension, new ExactVectorIndexOptions { InitialCapacity = Count });
        var v = new float[Dimension];
        for (int i = 0; i < Count; i++)
        {
            for (int j = 0; j < Dimension; j++)
            {
                v[j] = (float)(rng.NextDouble() - 0.5);
            }

            _index.Upsert(i.ToString(System.Globalization.CultureInfo.InvariantCulture), v);
        }

        _query = Enumerable.Range(0, Dimension).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
    }

    [Benchmark]
    public int SearchTop10() => _index.Search(_query, 10).Count;
}
