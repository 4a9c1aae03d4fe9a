namespace RefineMemory.Evaluation.Statistics;

/// <summary>
/// Paired bootstrap over queries: resample query indices with replacement, recompute both means on the same
/// resample, and take percentile intervals of the difference and of the relative gain. Pairs where either
/// value is NaN (e.g. ROC-AUC of a pool with one class) are left out first.
/// </summary>
public static class PairedBootstrap
{
    /// <param name="baseline">Per-query values of the baseline.</param>
    /// <param name="method">Per-query values of the method, in the same query order.</param>
    /// <param name="samples">Bootstrap resamples.</param>
    /// <param name="seed">Seed, so reports are reproducible.</param>
    /// <param name="confidence">Interval coverage, e.g. 0.95.</param>
    public static PairedComparison Compare(IReadOnlyList<double> baseline, IReadOnlyList<double> method, int samples = 2000, int seed = 12345, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(method);
        if (baseline.Count != method.Count)
        {
            throw new ArgumentException($"The baseline has {baseline.Count} values and the method {method.Count}; pairs are needed.", nameof(method));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence must be in (0, 1).");
        }

        var a = new List<double>(baseline.Count);
        var b = new List<double>(baseline.Count);
        for (int i = 0; i < baseline.Count; i++)
        {
            if (!double.IsNaN(baseline[i]) && !double.IsNaN(method[i]))
            {
                a.Add(baseline[i]);
                b.Add(method[i]);
            }
        }

        int n = a.Count;
        if (n == 0)
        {
            return new PairedComparison(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, confidence);
        }

        double meanA = a.Average(), meanB = b.Average();
        var differences = new double[samples];
        var relatives = new double[samples];
        var rng = new Random(seed);
        int notBetter = 0;
        for (int s = 0; s < samples; s++)
        {
            double sumA = 0, sumB = 0;
            for (int k = 0; k < n; k++)
            {
                int i = rng.Next(n);
                sumA += a[i];
                sumB += b[i];
            }

            differences[s] = (sumB - sumA) / n;
            relatives[s] = sumA == 0 ? double.NaN : (sumB / sumA) - 1;
            notBetter += differences[s] <= 0 ? 1 : 0;
        }

        double tail = (1 - confidence) / 2;
        return new PairedComparison(
            n,
            meanA,
            meanB,
            meanB - meanA,
            Percentile(differences, tail),
            Percentile(differences, 1 - tail),
            meanA == 0 ? double.NaN : (meanB / meanA) - 1,
            Percentile(relatives, tail),
            Percentile(relatives, 1 - tail),
            notBetter / (double)samples,
            confidence);
    }

    /// <summary>Linear-interpolated percentile of the non-NaN values (NaN when there are none).</summary>
    internal static double Percentile(double[] values, double q)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }
}
