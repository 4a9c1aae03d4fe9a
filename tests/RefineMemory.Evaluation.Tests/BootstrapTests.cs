using RefineMemory.Evaluation.Statistics;

namespace RefineMemory.Evaluation.Tests;

public sealed class BootstrapTests
{
    [Fact]
    public void Identical_methods_have_zero_difference()
    {
        double[] a = [0.1, 0.5, 0.3, 0.9];
        var c = PairedBootstrap.Compare(a, a, 1000);
        Assert.Equal(0, c.Difference);
        Assert.Equal(0, c.DifferenceLow);
        Assert.Equal(0, c.DifferenceHigh);
        Assert.Equal(1, c.ShareNotBetter);
    }

    [Fact]
    public void A_constant_shift_gives_a_tight_interval_and_the_right_relative_gain()
    {
        var rng = new Random(1);
        var a = Enumerable.Range(0, 200).Select(_ => 0.2 + (0.6 * rng.NextDouble())).ToArray();
        var b = a.Select(x => x + 0.05).ToArray();
        var c = PairedBootstrap.Compare(a, b, 2000, seed: 3);
        Assert.Equal(0.05, c.Difference, 10);
        Assert.Equal(0.05, c.DifferenceLow, 10);
        Assert.Equal(0.05, c.DifferenceHigh, 10);
        Assert.Equal((b.Average() / a.Average()) - 1, c.RelativeGain, 10);
        Assert.True(c.RelativeLow < c.RelativeGain && c.RelativeGain < c.RelativeHigh);
        Assert.Equal(0, c.ShareNotBetter);
    }

    [Fact]
    public void Noisy_differences_give_an_interval_around_the_mean_that_the_seed_reproduces()
    {
        var rng = new Random(2);
        var a = Enumerable.Range(0, 100).Select(_ => rng.NextDouble()).ToArray();
        var b = a.Select(x => x + (rng.NextDouble() - 0.45) * 0.2).ToArray();
        var c = PairedBootstrap.Compare(a, b, 2000, seed: 9);
        Assert.True(c.DifferenceLow < c.Difference && c.Difference < c.DifferenceHigh);
        Assert.Equal(c, PairedBootstrap.Compare(a, b, 2000, seed: 9));
        // The percentile interval of a mean of 100 values is about +-1.96 standard errors.
        var d = b.Zip(a, (x, y) => x - y).ToArray();
        double se = Math.Sqrt(d.Select(x => (x - d.Average()) * (x - d.Average())).Sum() / (d.Length - 1) / d.Length);
        Assert.InRange(c.DifferenceHigh - c.DifferenceLow, 2 * 1.96 * se * 0.85, 2 * 1.96 * se * 1.15);
    }

    [Fact]
    public void Nan_pairs_are_left_out_and_mismatched_lengths_rejected()
    {
        var c = PairedBootstrap.Compare([0.5, double.NaN, 0.7], [0.6, 0.9, double.NaN], 100);
        Assert.Equal(1, c.Queries);
        Assert.Equal(0.1, c.Difference, 10);
        Assert.Throws<ArgumentException>(() => PairedBootstrap.Compare([1.0], [1.0, 2.0]));
    }
}
