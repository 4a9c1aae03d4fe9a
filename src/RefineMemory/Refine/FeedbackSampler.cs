namespace RefineMemory.Refine;

/// <summary>
/// Chooses which ranked candidates the judge sees: the first <c>fromTop</c> positions, plus
/// <c>count - fromTop</c> positions drawn uniformly without replacement from the rest with a seeded RNG.
/// </summary>
public static class FeedbackSampler
{
    /// <summary>
    /// Returns positions into a ranking of <paramref name="rankedCount"/> items (0 = best): the top ones
    /// in rank order, then the sampled ones in ascending rank order.
    /// </summary>
    public static int[] Select(int rankedCount, int count, int fromTop, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rankedCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(fromTop);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromTop, count);

        int top = Math.Min(fromTop, rankedCount);
        int restAvailable = rankedCount - top;
        int sampled = Math.Min(count - fromTop, restAvailable);
        var positions = new int[top + sampled];
        for (int i = 0; i < top; i++)
        {
            positions[i] = i;
        }

        if (sampled > 0)
        {
            // Partial Fisher-Yates over the positions after the top block.
            var pool = new int[restAvailable];
            for (int i = 0; i < restAvailable; i++)
            {
                pool[i] = top + i;
            }

            var rng = new Random(seed);
            for (int i = 0; i < sampled; i++)
            {
                int j = rng.Next(i, restAvailable);
                (pool[i], pool[j]) = (pool[j], pool[i]);
            }

            Array.Sort(pool, 0, sampled);
            Array.Copy(pool, 0, positions, top, sampled);
        }

        return positions;
    }
}
