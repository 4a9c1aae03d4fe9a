using System.Numerics.Tensors;
using RefineMemory.Retrieve;

namespace RefineMemory.Search;

/// <summary>
/// The ranking by the original query: every chunk's cosine (one pass over the index), the best
/// <c>pool</c> of them in order (or all, when the feedback sample reaches below the top), and the rank
/// any cosine would have had, so results can report where they stood before refinement.
/// </summary>
internal sealed class InitialRanking
{
    private readonly string[] _ids;
    private readonly float[] _scores;
    private readonly int[] _order;
    private readonly float[] _eligibleScores;
    private readonly int[] _eligibleSlots;

    private InitialRanking(string[] ids, float[] scores, int[] order, float[] eligibleScores, int[] eligibleSlots, float[] normalisedQuery)
    {
        _eligibleSlots = eligibleSlots;
        _ids = ids;
        _scores = scores;
        _order = order;
        _eligibleScores = eligibleScores;
        NormalisedQuery = normalisedQuery;
    }

    /// <summary>The unit-length query the cosines were computed with.</summary>
    public float[] NormalisedQuery { get; }

    /// <summary>Chunks that passed the filter.</summary>
    public int EligibleCount => _eligibleScores.Length;

    /// <summary>Positions available through <see cref="IdAt"/>.</summary>
    public int RankedCount => _order.Length;

    public string IdAt(int position) => _ids[_order[position]];

    public float ScoreAt(int position) => _scores[_order[position]];

    /// <summary>
    /// The 1-based position chunk <paramref name="id"/> (with cosine <paramref name="score"/>) had in the ranking:
    /// eligible chunks scoring higher, plus equal-scoring ones stored before it (the index's tie order).
    /// </summary>
    public int RankOf(string id, float score)
    {
        int slot = int.MaxValue;
        for (int i = 0; i < _eligibleScores.Length; i++)
        {
            if (_eligibleScores[i] == score && string.Equals(_ids[SlotOf(i)], id, StringComparison.Ordinal))
            {
                slot = SlotOf(i);
                break;
            }
        }

        int before = 0;
        for (int i = 0; i < _eligibleScores.Length; i++)
        {
            float s = _eligibleScores[i];
            if (s > score || (s == score && SlotOf(i) < slot))
            {
                before++;
            }
        }

        return before + 1;
    }

    private int SlotOf(int eligibleIndex) => _eligibleSlots.Length == 0 ? eligibleIndex : _eligibleSlots[eligibleIndex];

    public static InitialRanking Rank(ExactVectorIndex index, float[] query, Func<string, bool>? filter, int pool, bool fullRanking)
    {
        var (ids, scores) = index.ScoreAll(query);
        var q = new float[query.Length];
        TensorPrimitives.Divide(query, TensorPrimitives.Norm(query), q);

        float[] eligibleScores;
        int[] eligibleSlots;
        if (filter is null)
        {
            eligibleScores = scores;
            eligibleSlots = [];
        }
        else
        {
            var slots = new List<int>();
            for (int i = 0; i < ids.Length; i++)
            {
                if (filter(ids[i]))
                {
                    slots.Add(i);
                }
            }

            eligibleSlots = [.. slots];
            eligibleScores = new float[eligibleSlots.Length];
            for (int i = 0; i < eligibleSlots.Length; i++)
            {
                eligibleScores[i] = scores[eligibleSlots[i]];
            }
        }

        int[] order = fullRanking
            ? SortAll(scores, filter is null ? null : eligibleSlots)
            : TopSlots(scores, filter is null ? null : eligibleSlots, pool);
        return new InitialRanking(ids, scores, order, eligibleScores, eligibleSlots, q);
    }

    private static int[] TopSlots(float[] scores, int[]? eligible, int pool)
    {
        int n = eligible?.Length ?? scores.Length;
        if (n == 0)
        {
            return [];
        }

        var heap = new TopKHeap(Math.Min(pool, n));
        for (int i = 0; i < n; i++)
        {
            int slot = eligible is null ? i : eligible[i];
            float s = scores[slot];
            if (s >= heap.Threshold)
            {
                heap.Offer(s, slot);
            }
        }

        return heap.ToSortedArray().Select(x => x.Slot).ToArray();
    }

    private static int[] SortAll(float[] scores, int[]? eligible)
    {
        int[] slots = eligible is null ? Enumerable.Range(0, scores.Length).ToArray() : (int[])eligible.Clone();
        Array.Sort(slots, (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        return slots;
    }
}
