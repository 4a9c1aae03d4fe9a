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
        var wanted = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (int k = 0; k < ids.Count; k++)
        {
            wanted[ids[k]] = k;
        }

        var slot = new int[ids.Count];
        var score = new float[ids.Count];
        Array.Fill(slot, -1);
        Array.Fill(score, float.NaN);
        for (int e = 0; e < EligibleCount; e++)
        {
            int i = SlotAt(e);
            if (wanted.TryGetValue(Ids[i], out int k))
            {
                slot[k] = i;
                score[k] = Scores[i];
            }
        }

        var result = new (float, int)[ids.Count];
        for (int k = 0; k < ids.Count; k++)
        {
            if (slot[k] < 0)
            {
                result[k] = (float.NaN, 0);
                continue;
            }

            int before = 0;
            float s = score[k];
            for (int e = 0; e < EligibleCount; e++)
            {
                int i = SlotAt(e);
                float t = Scores[i];
                if (t > s || (t == s && i < slot[k]))
                {
                    before++;
                }
            }

            result[k] = (s, before + 1);
        }

        return result;
    }
}
