using BenchmarkDotNet.Attributes;
using RefineMemory.Retrieve;

namespace RefineMemory.Benchmarks;

/// <summary>
/// Re-scoring a collection: top-10 by cosine over n unit vectors of d = 384 (what every refined search ends with),
/// the same uniform random data as <c>eng/bench/torch_baseline.py</c>. <c>Int8</c> scans the 8-bit copy and
/// re-ranks the best 100 exactly; <c>None</c> scans the float32 rows. The GB/s column counts the bytes the scan
/// reads (<see cref="ScanBytes"/>); <see cref="MemoryReadBenchmarks"/> measures the machine's limit in the same run.
/// </summary>
[Config(typeof(ThroughputConfig))]
public class RescoreBenchmarks
{
    public const int Dimension = 384;

    private ExactVectorIndex _index = null!;
    private float[] _query = [];

    [Params(100_000, 1_000_000)]
    public int Count { get; set; }

    [Params(ScanQuantization.None, ScanQuantization.Int8)]
    public ScanQuantization Quantization { get; set; }

    /// <summary>Bytes one scan reads: the float32 rows, or the 8-bit codes plus one float scale per row.</summary>
    public static long ScanBytes(int count, ScanQuantization quantization) =>
        (long)count * (quantization == ScanQuantization.Int8 ? Dimension + sizeof(float) : Dimension * sizeof(float));

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        _index = new ExactVectorIndex(Dimension, new ExactVectorIndexOptions { InitialCapacity = Count, Quantization = Quantization });
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
