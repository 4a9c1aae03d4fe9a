namespace RefineMemory.Metrics;

/// <summary>
/// Retrieval metrics over a full ranking of a pool: per document a score (higher ranks first) and a
/// relevance label. Ties are treated as scikit-learn treats them (AP and ROC-AUC group tied scores into one
/// threshold; nDCG averages the gains of tied documents), so results equal sklearn's. The cut-off metrics
/// (precision/recall@k, reciprocal rank) rank ties by position in the input, which is documented and stable.
/// </summary>
public static class RankingMetrics
{
    /// <summary>
    /// Average precision, as sklearn's <c>average_precision_score</c>: sum over distinct score thresholds of
    /// (recall increase) x precision. A pool without relevant documents scores 0.
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        CheckLengths(scores, labels);
        int[] order = SortDescending(scores);
        double totalPositives = 0;
        foreach (float l in labels)
        {
            totalPositives += l > 0 ? 1 : 0;
        }

        if (totalPositives == 0)
        {
            return 0;
        }

        double ap = 0, tp = 0, seen = 0, previousRecall = 0;
        int i = 0;
        while (i < order.Length)
        {
            float threshold = scores[order[i]];
            while (i < order.Length && scores[order[i]] == threshold)
            {
                tp += labels[order[i]] > 0 ? 1 : 0;
                seen++;
                i++;
            }

            double recall = tp / totalPositives;
            ap += (recall - previousRecall) * (tp / seen);
            previousRecall = recall;
        }

        return ap;
    }

    /// <summary>
    /// Area under the ROC curve (the probability that a random relevant document outscores a random
    /// irrelevant one, ties counting one half), as sklearn's <c>roc_auc_score</c>.
    /// Returns <see cref="double.NaN"/> when the pool has only one class, where sklearn raises an error.
    /// </summary>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        CheckLengths(scores, labels);
        int[] order = SortDescending(scores);
        double positives = 0, negatives = 0;
        foreach (float l in labels)
        {
            if (l > 0) { positives++; } else { negatives++; }
        }

        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        // Walk thresholds from high to low; each tie group adds a trapezoid.
        double area = 0, tp = 0, fp = 0;
        int i = 0;
        while (i < order.Length)
        {
            float threshold = scores[order[i]];
            double groupTp = 0, groupFp = 0;
            while (i < order.Length && scores[order[i]] == threshold)
            {
                if (labels[order[i]] > 0) { groupTp++; } else { groupFp++; }
                i++;
            }

            area += groupFp * (tp + (groupTp / 2));
            tp += groupTp;
            fp += groupFp;
        }

        return area / (positives * negatives);
    }

    /// <summary>
    /// Normalised discounted cumulative gain at <paramref name="k"/> with linear gains (the label) and
    /// log2 discounts, tied scores sharing their averaged gain, as sklearn's <c>ndcg_score</c>.
    /// A pool whose labels are all zero scores 0.
    /// </summary>
    public static double Ndcg(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int k)
    {
        CheckLengths(scores, labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int[] order = SortDescending(scores);
        double dcg = 0;
        int i = 0;
        int position = 0;
        while (i < order.Length && position < k)
        {
            float threshold = scores[order[i]];
            int start = i;
            double gainSum = 0;
            while (i < order.Length && scores[order[i]] == threshold)
            {
                gainSum += labels[order[i]];
                i++;
            }

            int groupSize = i - start;
            double meanGain = gainSum / groupSize;
            for (int p = position; p < position + groupSize && p < k; p++)
            {
                dcg += meanGain * Discount(p);
            }

            position += groupSize;
        }

        float[] ideal = labels.ToArray();
        Array.Sort(ideal, static (a, b) => b.CompareTo(a));
        double idcg = 0;
        for (int p = 0; p < Math.Min(k, ideal.Length); p++)
        {
            idcg += ideal[p] * Discount(p);
        }

        return idcg == 0 ? 0 : dcg / idcg;
    }

    /// <summary>Fraction of the first <paramref name="k"/> ranked documents that are relevant (label &gt; 0).</summary>
    public static double PrecisionAtK(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int k)
    {
        CheckLengths(scores, labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return RelevantInTop(scores, labels, k) / (double)k;
    }

    /// <summary>Fraction of all relevant documents that are among the first <paramref name="k"/>; 0 when none is relevant.</summary>
    public static double RecallAtK(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int k)
    {
        CheckLengths(scores, labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int relevant = 0;
        foreach (float l in labels)
        {
            relevant += l > 0 ? 1 : 0;
        }

        return relevant == 0 ? 0 : RelevantInTop(scores, labels, k) / (double)relevant;
    }

    /// <summary>1 / rank of the first relevant document; 0 when none is relevant.</summary>
    public static double ReciprocalRank(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        CheckLengths(scores, labels);
        int[] order = SortDescending(scores);
        for (int r = 0; r < order.Length; r++)
        {
            if (labels[order[r]] > 0)
            {
                return 1.0 / (r + 1);
            }
        }

        return 0;
    }

    /// <summary>The mean of the values that are not NaN (for example ROC-AUC over queries); NaN if none.</summary>
    public static double MeanIgnoringNaN(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double sum = 0;
        int n = 0;
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                sum += v;
                n++;
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }

    /// <summary>Positions sorted by score, highest first; equal scores keep input order.</summary>
    public static int[] SortDescending(ReadOnlySpan<float> scores)
    {
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        float[] keys = scores.ToArray();
        Array.Sort(order, (a, b) =>
        {
            int c = keys[b].CompareTo(keys[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    private static int RelevantInTop(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int k)
    {
        int[] order = SortDescending(scores);
        int relevant = 0;
        for (int r = 0; r < Math.Min(k, order.Length); r++)
        {
            relevant += labels[order[r]] > 0 ? 1 : 0;
        }

        return relevant;
    }

    private static double Discount(int position) => 1.0 / Math.Log2(position + 2);

    private static void CheckLengths(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new DimensionMismatchException("labels", scores.Length, labels.Length);
        }

        if (scores.IsEmpty)
        {
            throw new ArgumentException("The ranking is empty.", nameof(scores));
        }

        for (int i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score {i} is NaN.", nameof(scores));
            }
        }
    }
}
