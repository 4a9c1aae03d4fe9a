using RefineMemory.Retrieve;

namespace RefineMemory.Search;

/// <summary>
/// The ranking by the original query, the feedback sample's candidates and the snapshot that ranks before
/// refinement are read from, all from one pass over the index. Only a feedback sample reaching below the top
/// needs the full ranking, and so exact scores for every chunk; otherwise the pass may read the 8-bit copy.
/// </summary>
internal sealed class InitialRanking
{
    private readonly string[] _ids;
    private readonly float[] _scores;
    private readonly ScoreSnapshot? _snapshot;

    private InitialRanking(string[] ids, float[] scores, int eligibleCount, ScoreSnapshot? snapshot)
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

    /// <summary>Full passes over the stored vectors so far.</summary>
    public int Passes => _snapshot?.Passes ?? 1;

    public string IdAt(int position) => _ids[position];

    public float ScoreAt(int position) => _scores[position];

    /// <summary>
    /// Ranks the best <paramref name="pool"/> (all eligible chunks with <paramref name="fullRanking"/>). Without
    /// <paramref name="keepSnapshot"/> (no refinement to follow) only the best are kept.
    /// </summary>
    public static InitialRanking Rank(ExactVectorIndex index, float[] query, Func<string, bool>? filter, int pool, bool fullRanking, bool keepSnapshot)
    {
        if (!keepSnapshot && !fullRanking && filter is null)
        {
            var hits = index.Search(query, pool);
            return new InitialRanking([.. hits.Select(h => h.Id)], [.. hits.Select(h => h.Score)], index.Count, null);
        }

        return FromSnapshot(ScoreSnapshot.Compute(index, query, filter, pool, exact: fullRanking), fullRanking);
    }

    /// <summary>The original cosine and 1-based rank of each id.</summary>
    public (float Score, int Rank)[] Locate(IReadOnlyList<string> ids) =>
        _snapshot?.Locate(ids) ?? throw new InvalidOperationException("The ranking was made without a snapshot.");

    private static InitialRanking FromSnapshot(ScoreSnapshot snapshot, bool fullRanking)
    {
        if (!fullRanking)
        {
            var top = snapshot.Top;
            return new InitialRanking([.. top.Select(h => h.Id)], [.. top.Select(h => h.Score)], snapshot.EligibleCount, snapshot);
        }

        int[] order = SortAll(snapshot);
        return new InitialRanking(
            [.. order.Select(i => snapshot.Ids[i])],
            [.. order.Select(i => snapshot.Scores[i])],
            snapshot.EligibleCount,
            snapshot);
    }

    private static int[] SortAll(ScoreSnapshot s)
    {
        float[] scores = s.Scores;
        int[] slots = [.. Enumerable.Range(0, scores.Length).Where(i => !float.IsNaN(scores[i]))];
        Array.Sort(slots, (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        return slots;
    }
}
