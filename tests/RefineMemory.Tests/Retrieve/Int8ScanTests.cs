using RefineMemory.Retrieve;
using RefineMemory.Testing;

namespace RefineMemory.Tests.Retrieve;

public sealed class Int8ScanTests
{
    [Theory]
    [InlineData(16, 9)]
    [InlineData(384, 13)]
    [InlineData(512, 4)]
    [InlineData(4096, 5)]
    [InlineData(80, 3)]
    [InlineData(112, 6)]
    [InlineData(24, 7)]
    [InlineData(3, 2)]
    public void Kernel_equals_integer_arithmetic_including_the_extreme_codes(int d, int n)
    {
        var rng = new Random(d + n);
        var rows = new sbyte[d * n];
        for (int i = 0; i < rows.Length; i++)
        {
            // Row 0 is all +127, row 1 all -127 (the largest sums), the rest random.
            rows[i] = i < d ? (sbyte)127 : i < 2 * d ? (sbyte)-127 : (sbyte)rng.Next(-127, 128);
        }

        var query = new QuantizedQuery(Enumerable.Repeat(1f / MathF.Sqrt(d), d).ToArray()).Codes;
        var dots = new int[n];
        Int8DotProductKernel.Score(rows, query, dots);
        for (int i = 0; i < n; i++)
        {
            long expected = 0;
            for (int k = 0; k < d; k++)
            {
                expected += rows[(i * d) + k] * (long)query[k];
            }

            Assert.Equal(expected, dots[i]);
        }
    }

    [Theory]
    [InlineData(384)]
    [InlineData(1024)]
    [InlineData(37)]
    public void Approximate_cosines_stay_within_their_bound(int d)
    {
        var data = new ClusteredVectors(d, 20, seed: d);
        float[] rows = data.Take(2000);
        float[] q = data.Take(1);
        var query = new QuantizedQuery(q);
        var codes = new sbyte[d];
        double worstRatio = 0;
        for (int i = 0; i < 2000; i++)
        {
            var row = rows.AsSpan(i * d, d);
            float scale = ScalarQuantizer.Quantize(row, codes);
            float exact = DotProductKernel.ScoreRow(row, q);
            float approximate = Int8DotProductKernel.ScoreRowScalar(codes, query.Codes) * scale * query.InverseScale;
            float bound = query.ErrorBound(scale);
            Assert.True(Math.Abs(exact - approximate) <= bound, $"row {i}: |{exact} - {approximate}| > {bound}");
            worstRatio = Math.Max(worstRatio, Math.Abs(exact - approximate) / bound);
        }

        // A bound that is never approached would make every comparison undecided: it must also be useful.
        Assert.InRange(query.ErrorBound(0.2f / 127), 0, 0.05f);
        Assert.True(worstRatio > 0.01, $"worst error / bound {worstRatio}");
    }

    [Fact]
    public void Int8_search_returns_the_exact_top_with_exact_scores_through_upserts_and_removes()
    {
        const int d = 64, n = 30_000;
        var data = new ClusteredVectors(d, 50, seed: 3);
        var exact = new ExactVectorIndex(d, new ExactVectorIndexOptions { Quantization = ScanQuantization.None, MinFloatsPerThread = 50_000 });
        var int8 = new ExactVectorIndex(d, new ExactVectorIndexOptions { Quantization = ScanQuantization.Int8, MinFloatsPerThread = 50_000 });
        float[] rows = data.Take(n);
        for (int i = 0; i < n; i++)
        {
            exact.Upsert($"d{i}", rows.AsSpan(i * d, d));
            int8.Upsert($"d{i}", rows.AsSpan(i * d, d));
        }

        // Removes move the last row into the freed slot: the 8-bit copy must move with it.
        for (int i = 0; i < n; i += 7)
        {
            Assert.True(exact.Remove($"d{i}"));
            Assert.True(int8.Remove($"d{i}"));
        }

        exact.Upsert("d1", rows.AsSpan(5 * d, d));
        int8.Upsert("d1", rows.AsSpan(5 * d, d));

        for (int t = 0; t < 20; t++)
        {
            float[] q = data.Take(1);
            Assert.Equal(exact.Search(q, 10), int8.Search(q, 10));
            Assert.Equal(exact.Search(q, 3, id => id.EndsWith('3')), int8.Search(q, 3, id => id.EndsWith('3')));
        }
    }

    [Fact]
    public void Int8_search_is_the_same_on_one_worker_and_many()
    {
        const int d = 32, n = 20_000;
        var data = new ClusteredVectors(d, 10, seed: 9);
        var one = new ExactVectorIndex(d, new ExactVectorIndexOptions { MaxDegreeOfParallelism = 1 });
        var many = new ExactVectorIndex(d, new ExactVectorIndexOptions { MaxDegreeOfParallelism = 4, MinFloatsPerThread = 1000 });
        float[] rows = data.Take(n);
        for (int i = 0; i < n; i++)
        {
            one.Upsert($"d{i}", rows.AsSpan(i * d, d));
            many.Upsert($"d{i}", rows.AsSpan(i * d, d));
        }

        float[] q = data.Take(1);
        Assert.Equal(one.Search(q, 25), many.Search(q, 25));
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_option()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ExactVectorIndex(4, new ExactVectorIndexOptions { Oversampling = 0 }));
        Assert.Contains("Oversampling", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new ExactVectorIndex(4, new ExactVectorIndexOptions { Quantization = (ScanQuantization)7 }));
        Assert.Contains("Quantization", e.Message);
    }
}
