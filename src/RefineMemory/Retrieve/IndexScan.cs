namespace RefineMemory.Retrieve;

/// <summary>
/// What one pass of <see cref="ExactVectorIndex"/> saw: the best rows with exact cosines, and every row's score
/// in storage order (NaN for rows the filter rejected). When the pass read the 8-bit copy, the scores are
/// approximate and <see cref="Bounds"/> holds, per row, how far the exact cosine can be from them; exact
/// cosines of any rows can then be fetched while the index is unchanged (<see cref="TryScoreExactly"/>).
/// </summary>
internal sealed class IndexScan(ExactVectorIndex index, long version, float[] unitQuery, string[] ids, float[] scores, float[]? bounds, SearchHit[] top)
{
    /// <summary>Row ids in storage order (the index's tie order).</summary>
    public string[] Ids => ids;

    public float[] Scores => scores;

    /// <summary><c>|exact - Scores[i]| &lt;= Bounds[i]</c>; <c>null</c> when <see cref="Scores"/> are exact.</summary>
    public float[]? Bounds => bounds;

    /// <summary>The best rows, exact cosines, best first (ties by storage order).</summary>
    public SearchHit[] Top => top;

    /// <summary>Storage slots of <paramref name="ids"/> (-1 where not stored); false when the index has changed since the pass.</summary>
    public bool TryFindSlots(IReadOnlyList<string> ids, Span<int> slots) => index.TryFindSlots(version, ids, slots);

    /// <summary>Exact cosines of rows at <paramref name="slots"/>; false when the index has changed since the pass.</summary>
    public bool TryScoreExactly(ReadOnlySpan<int> slots, Span<float> exact) => index.TryScoreSlots(version, unitQuery, slots, exact);
}
