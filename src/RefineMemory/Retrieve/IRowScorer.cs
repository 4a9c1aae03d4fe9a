namespace RefineMemory.Retrieve;

/// <summary>Scores consecutive stored rows against one query (a struct, so the scan loop is specialised per kernel).</summary>
internal interface IRowScorer
{
    /// <summary>Writes the scores of rows <c>start .. start + scores.Length - 1</c>.</summary>
    void Score(int start, Span<float> scores);
}
