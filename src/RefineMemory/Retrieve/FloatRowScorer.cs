namespace RefineMemory.Retrieve;

/// <summary>Exact float32 cosines of unit rows against a unit query.</summary>
internal readonly struct FloatRowScorer(float[] data, float[] query) : IRowScorer
{
    public void Score(int start, Span<float> scores)
    {
        int d = query.Length;
        DotProductKernel.Score(data.AsSpan(start * d, scores.Length * d), query, scores);
    }
}
