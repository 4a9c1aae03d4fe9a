using System.Numerics.Tensors;

namespace RefineMemory.Refine;

/// <summary>
/// Maximal marginal relevance (Carbonell and Goldstein 1998) over the candidates: each pick maximises
/// (1 - w) cos(query, d) - w max cos(d, picked). The first pick is the most similar candidate.
/// </summary>
internal static class DiverseSelection
{
    /// <summary>Indices of at most <paramref name="count"/> candidates, in ascending order (the first ranking's order).</summary>
    public static int[] Select(ReadOnlyMemory<float> query, IReadOnlyList<FeedbackCandidate> candidates, int count, double weight)
    {
        int n = candidates.Count;
        count = Math.Min(count, n);
        var relevance = new double[n];
        var redundancy = new double[n];
        var taken = new bool[n];
        for (int i = 0; i < n; i++)
        {
            relevance[i] = TensorPrimitives.CosineSimilarity(query.Span, candidates[i].Vector.Span);
            redundancy[i] = double.NegativeInfinity;
        }

        var picked = new int[count];
        for (int k = 0; k < count; k++)
        {
            int best = -1;
            double bestValue = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                // Nothing picked yet: redundancy is -inf, so rank by relevance alone.
                double value = k == 0 ? relevance[i] : ((1 - weight) * relevance[i]) - (weight * redundancy[i]);
                if (!taken[i] && (best < 0 || value > bestValue))
                {
                    (best, bestValue) = (i, value);
                }
            }

            taken[best] = true;
            picked[k] = best;
            for (int i = 0; i < n; i++)
            {
                if (!taken[i])
                {
                    redundancy[i] = Math.Max(redundancy[i], TensorPrimitives.CosineSimilarity(candidates[i].Vector.Span, candidates[best].Vector.Span));
                }
            }
        }

        Array.Sort(picked);
        return picked;
    }
}
