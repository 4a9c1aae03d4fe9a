using RefineMemory.Refine;

namespace RefineMemory.Tests.Refine;

public sealed class FeedbackSamplerTests
{
    [Fact]
    public void Default_takes_the_top_twenty()
    {
        Assert.Equal(Enumerable.Range(0, 20), FeedbackSampler.Select(1000, 20, 20, 42));
    }

    [Fact]
    public void Samples_the_rest_uniformly_without_replacement_and_reproducibly()
    {
        int[] a = FeedbackSampler.Select(1000, 20, 10, 42);
        int[] b = FeedbackSampler.Select(1000, 20, 10, 42);
        int[] c = FeedbackSampler.Select(1000, 20, 10, 43);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(Enumerable.Range(0, 10), a.Take(10));
        Assert.Equal(20, a.Distinct().Count());
        Assert.All(a.Skip(10), p => Assert.InRange(p, 10, 999));
    }

    [Fact]
    public void Sampled_positions_cover_the_tail_evenly()
    {
        // 2,000 draws of 5 from positions 5..104: each position should be drawn about 100 times.
        var counts = new int[105];
        for (int seed = 0; seed < 2000; seed++)
        {
            foreach (int p in FeedbackSampler.Select(105, 10, 5, seed).Skip(5))
            {
                counts[p]++;
            }
        }

        Assert.All(counts.Skip(5), n => Assert.InRange(n, 60, 145));
    }

    [Fact]
    public void Small_rankings_return_what_exists()
    {
        Assert.Equal([0, 1, 2], FeedbackSampler.Select(3, 20, 20, 42));
        Assert.Equal(5, FeedbackSampler.Select(5, 20, 2, 42).Length);
        Assert.Empty(FeedbackSampler.Select(0, 20, 20, 42));
    }
}
