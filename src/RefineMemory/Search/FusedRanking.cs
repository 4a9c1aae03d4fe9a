using RefineMemory.Refine;

namespace RefineMemory.Search;

/// <summary>
/// The final ranking under <see cref="RefinementOptions.Fusion"/>: the judge's verdicts stand (rerank-only's strength)
/// while the refined query brings in documents nobody judged (refinement's strength). Documents judged relevant come
/// first, by judge score; then the refined ranking of the documents not judged; the documents judged not relevant last.
/// </summary>
internal static class FusedRanking
{
    /// <summary>A judge score at or above this is a verdict of relevant.</summary>
    public const float RelevantScore = 0.5f;

    /// <param name="refined">The refined search's hits, deep enough to hold <paramref name="skip"/> + <paramref name="top"/> documents not judged.</param>
    /// <param name="judged">The verdicts the refinement used, by key, with each judged document's hit (its record, cosine to the refined query, rank before).</param>
    /// <param name="key">A record's key, as the verdicts name it.</param>
    /// <param name="skip">Results of the fused ranking to leave out first (the caller's paging).</param>
    /// <param name="top">Results to return.</param>
    public static RefinedVectorSearchHit<TRecord>[] Fuse<TRecord>(
        IReadOnlyList<RefinedVectorSearchHit<TRecord>> refined,
        IReadOnlyDictionary<string, (JudgedDocument Verdict, RefinedVectorSearchHit<TRecord> Hit)> judged,
        Func<TRecord, string> key,
        int skip,
        int top)
        where TRecord : class
    {
        var verdicts = judged.Values.OrderByDescending(j => j.Verdict.Score).ThenByDescending(j => j.Verdict.CosineAfter).ToArray();
        var fused = verdicts.Where(j => j.Verdict.Score >= RelevantScore).Select(j => j.Hit)
            .Concat(refined.Where(h => !judged.ContainsKey(key(h.Record))))
            .Concat(verdicts.Where(j => j.Verdict.Score < RelevantScore).Select(j => j.Hit));
        return [.. fused.Skip(skip).Take(top).Select((h, i) => h with { Rank = skip + i + 1 })];
    }
}
