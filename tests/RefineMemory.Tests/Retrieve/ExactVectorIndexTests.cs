using RefineMemory.Retrieve;

namespace RefineMemory.Tests.Retrieve;

public sealed class ExactVectorIndexTests
{
    [Fact]
    public void Search_returns_cosine_order_and_normalises_once()
    {
        var index = new ExactVectorIndex(2);
        index.Upsert("east", [10, 0]);
        index.Upsert("north", [0, 3]);
        index.Upsert("north-east", [1, 1]);

        var hits = index.Search([2, 0.1f], 3);
        Assert.Equal(["east", "north-east", "north"], hits.Select(h => h.Id));
        Assert.Equal(1f, TensorNorm(index.GetVector("east")), 5);
        Assert.InRange(hits[0].Score, 0.99f, 1f);
    }

    [Fact]
    public void Upsert_replaces_and_remove_keeps_other_ids_intact()
    {
        var index = new ExactVectorIndex(2);
        index.Upsert("a", [1, 0]);
        index.Upsert("b", [0, 1]);
        index.Upsert("c", [1, 1]);
        index.Upsert("a", [0, 1]);
        Assert.Equal(3, index.Count);

        Assert.True(index.Remove("a"));
        Assert.False(index.Remove("a"));
        Assert.Equal(2, index.Count);
        Assert.False(index.Contains("a"));
        Assert.Equal([0.70710677f, 0.70710677f], index.GetVector("c"));
        Assert.Equal(["b", "c"], index.Search([0, 1], 5).Select(h => h.Id));
    }

    [Fact]
    public void CopyVectors_returns_the_stored_rows_in_the_order_asked()
    {
        var index = new ExactVectorIndex(2);
        index.Upsert("a", [3, 4]);
        index.Upsert("b", [0, 2]);
        var rows = new float[4];
        index.CopyVectors(["b", "a"], rows);
        Assert.Equal([0, 1, 0.6f, 0.8f], rows);
        Assert.Throws<KeyNotFoundException>(() => index.CopyVectors(["zz"], new float[2]));
    }

    [Fact]
    public void Filter_keeps_only_accepted_ids()
    {
        var index = new ExactVectorIndex(2);
        for (int i = 0; i < 10; i++)
        {
            index.Upsert($"doc{i}", [1, i]);
        }

        var hits = index.Search([1, 0], 3, id => id.EndsWith('7') || id.EndsWith('8'));
        Assert.Equal(["doc7", "doc8"], hits.Select(h => h.Id));
    }

    [Fact]
    public void Parallel_search_over_a_large_collection_equals_a_sequential_scan()
    {
        const int d = 64, n = 40_000;
        var rng = new Random(11);
        var parallel = new ExactVectorIndex(d, new ExactVectorIndexOptions { MinFloatsPerThread = 10_000 });
        var sequential = new ExactVectorIndex(d, new ExactVectorIndexOptions { MaxDegreeOfParallelism = 1 });
        var v = new float[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                v[j] = (float)(rng.NextDouble() - 0.5);
            }

            parallel.Upsert($"d{i}", v);
            sequential.Upsert($"d{i}", v);
        }

        var q = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var expected = sequential.Search(q, 50);
        var actual = parallel.Search(q, 50);
        Assert.Equal(expected, actual);

        var (ids, scores) = sequential.ScoreAll(q);
        var best = ids.Zip(scores).OrderByDescending(p => p.Second).Take(50).Select(p => p.First);
        Assert.Equal(best, expected.Select(h => h.Id));
    }

    [Fact]
    public async Task Concurrent_readers_and_a_writer_do_not_corrupt_the_index()
    {
        var index = new ExactVectorIndex(8);
        var v = new float[8];
        v[0] = 1;
        index.Upsert("seed", v);
        var writer = Task.Run(() =>
        {
            var w = new float[8];
            for (int i = 0; i < 3000; i++)
            {
                w[i % 8] = 1 + i;
                index.Upsert($"w{i % 500}", w);
                if (i % 3 == 0)
                {
                    index.Remove($"w{(i + 7) % 500}");
                }
            }
        });
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                var hits = index.Search(v, 10);
                Assert.All(hits, h => Assert.InRange(h.Score, -1.0001f, 1.0001f));
            }
        })).ToArray();
        await Task.WhenAll([writer, .. readers]);
        Assert.True(index.Contains("seed"));
    }

    [Fact]
    public void Bad_vectors_are_rejected_with_clear_errors()
    {
        var index = new ExactVectorIndex(3);
        var mismatch = Assert.Throws<DimensionMismatchException>(() => index.Upsert("x", [1, 2]));
        Assert.Equal(3, mismatch.Expected);
        Assert.Equal(2, mismatch.Actual);
        Assert.Throws<ArgumentException>(() => index.Upsert("x", [0, 0, 0]));
        Assert.Throws<ArgumentException>(() => index.Upsert("x", [1, float.PositiveInfinity, 0]));
        Assert.Throws<ArgumentException>(() => index.Upsert("", [1, 0, 0]));
        Assert.Throws<DimensionMismatchException>(() => index.Search([1, 0], 3));
        Assert.Empty(index.Search([1, 0, 0], 3));
    }

    private static float TensorNorm(float[] v) => System.Numerics.Tensors.TensorPrimitives.Norm(v);
}
