using RefineMemory.Retrieve;

namespace RefineMemory.Search;

/// <summary>
/// The ranking by the original query. Usually only the best <c>pool</c> chunks are needed before judging, and
/// the index finds them in one parallel pass; the full snapshot of cosines (for the rank each final result had
/// before refinement) is then computed while the judge works. With a filter, or a feedback sample reaching
/// below the top, the full snapshot is computed first and the ranking read from it.
/// </summary>
internal sealed class InitialRanking
{
    private readonly string[] _ids;
    private readonly float[] _scores;
    private Task<ScoreSnapshot>? _snapshot;

    private InitialRanking(string[] ids, float[] scores, int eligibleCount, Task<ScoreSnapshot>? snapshot)
    {
        _ids = ids;
        _scores = scores;
        EligibleCount = eligibleCount;
        _snapshot = snapshot;
    }

    /// <summary>Chunks that passed the filter.</summary>
    public int EligibleCount { get; }

    /// <summary>Positions available through <see cref="IdAt"/>.</summary>
    public int RankedCount => _ids.Length;

    public string IdAt(int position) => _ids[position];

    public float ScoreAt(int position) => _scores[position];

    public static InitialRanking Rank(ExactVectorIndex index, float[] query, Func<string, bool>? filter, int pool, bool fullRanking)
    {
        if (filter is null && !fullRanking)
        {
            var hits = index.Search(query, pool);
            return new InitialRanking(hits.Select(h => h.Id).ToArray(), hits.Select(h => h.Score).ToArray(), index.Count, null);
        }

        var snapshot = ScoreSnapshot.Compute(index, query, filter);
        int[] order = fullRanking ? SortAll(snapshot) : TopSlots(snapshot, pool);
        return new InitialRanking(
            order.Select(i => snapshot.Ids[i]).ToArray(),
            order.Select(i => snapshot.Scores[i]).ToArray(),
            snapshot.EligibleCount,
            Task.FromResult(snapshot));
    }

    /// <summary>Starts the full pass in the background (if it has not run), so that it overlaps with judging.</summary>
    public void StartSnapshot(ExactVectorIndex index, float[] query) =>
        _snapshot ??= Task.Run(() => ScoreSnapshot.Compute(index, query, null));

    /// <summary>The original cosine and 1-based rank of each id.</summary>
    public async Task<(float Score, int Rank)[]> LocateAsync(ExactVectorIndex index, float[] query, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        StartSnapshot(index, query);
        var snapshot = await _snapshot!.WaitAsync(cancellationToken).ConfigureAwait(false);
        return snapshot.Locate(ids);
    }

    private static int[] TopSlots(ScoreSnapshot s, int pool)
    {
        int n = s.EligibleCount;
        if (n == 0)
        {
            return [];
        }

        var heap = new TopKHeap(Math.Min(pool, n));
        for (int e = 0; e < n; e++)
        {
            int slot = s.SlotAt(e);
            float score = s.Scores[slot];
            if (score >= heap.Threshold)
            {
                heap.Offer(score, slot);
            }
        }

        return heap.ToSortedArray().Select(x => x.Slot).ToArray();
    }

    private static int[] SortAll(ScoreSnapshot s)
    {
        int[] slots = s.Eligible is null ? Enumerable.Range(0, s.Ids.Length).ToArray() : (int[])s.Eligible.Clone();
        float[] scores = s.Scores;
        Array.Sort(slots, (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        return slots;
    }
}
