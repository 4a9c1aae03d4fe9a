using RefineMemory.Retrieve;

namespace RefineMemory.Search;

/// <summary>
/// Every chunk's cosine to the original query (one pass over the index), restricted to the chunks that pass
/// the filter: what ranks before refinement are computed from.
/// </summary>
internal sealed class ScoreSnapshot
{
    private ScoreSnapshot(string[] ids, float[] scores, int[]? eligible)
    {
        Ids = ids;
        Scores = scores;
        Eligible = eligible;
    }

    /// <summary>Chunk ids in storage order (the index's tie order).</summary>
    public string[] Ids { get; }

    public float[] Scores { get; }

    /// <summary>The storage positions that pass the filter, ascending; <c>null</c> when there is no filter.</summary>
    public int[]? Eligible { get; }

    public int EligibleCount => Eligible?.Length ?? Ids.Length;

    public int SlotAt(int eligibleIndex) => Eligible is null ? eligibleIndex : Eligible[eligibleIndex];

    public static ScoreSnapshot Compute(ExactVectorIndex index, float[] query, Func<string, bool>? filter)
    {
        var (ids, scores) = index.ScoreAll(query);
        if (filter is null)
        {
            return new ScoreSnapshot(ids, scores, null);
        }

        var eligible = new List<int>();
        for (int i = 0; i < ids.Length; i++)
        {
            if (filter(ids[i]))
            {
                eligible.Add(i);
            }
        }

        return new ScoreSnapshot(ids, scores, [.. eligible]);
    }

    /// <summary>
    /// For each of <paramref name="ids"/>: its cosine and its 1-based rank among eligible chunks (higher cosine
    /// first, ties by storage order), or <c>(NaN, 0)</c> for an id the snapshot does not hold.
    /// </summary>
    public (float Score, int Rank)[] Locate(IReadOnlyList<string> ids)
    {
        // Ids from the same index are the same string instances, so a reference lookup usually finds them
        // without hashing 100k strings; anything not found that way is looked up by value.
        var slot = new int[ids.Count];
        Array.Fill(slot, -1);
        FindSlots(ids, slot, new Dictionary<string, int>(ids.Count, ReferenceEqualityComparer.Instance));
        if (slot.Contains(-1))
        {
            FindSlots(ids, slot, new Dictionary<string, int>(ids.Count, StringComparer.Ordinal));
        }

        // One pass over the scores counts, for every id at once, the eligible chunks ranked above it.
        var before = new int[ids.Count];
        var score = new float[ids.Count];
        for (int k = 0; k < ids.Count; k++)
        {
            score[k] = slot[k] < 0 ? float.NaN : Scores[slot[k]];
        }

        for (int e = 0; e < EligibleCount; e++)
        {
            int i = SlotAt(e);
            float t = Scores[i];
            for (int k = 0; k < score.Length; k++)
            {
                if (t > score[k] || (t == score[k] && i < slot[k]))
                {
                    before[k]++;
                }
            }
        }

        var result = new (float, int)[ids.Count];
        for (int k = 0; k < ids.Count; k++)
        {
            result[k] = slot[k] < 0 ? (float.NaN, 0) : (score[k], before[k] + 1);
        }

        return result;
    }

    private void FindSlots(IReadOnlyList<string> ids, int[] slot, Dictionary<string, int> wanted)
    {
        for (int k = 0; k < ids.Count; k++)
        {
            if (slot[k] < 0)
            {
                wanted[ids[k]] = k;
            }
        }

        for (int e = 0; e < EligibleCount && wanted.Count > 0; e++)
        {
            int i = SlotAt(e);
            if (wanted.Remove(Ids[i], out int k))
            {
                slot[k] = i;
            }
        }
    }
}
