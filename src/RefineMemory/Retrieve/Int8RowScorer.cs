using System.Runtime.InteropServices;

namespace RefineMemory.Retrieve;

/// <summary>Approximate cosines from the 8-bit copy: integer dot products times each row's scale.</summary>
internal readonly struct Int8RowScorer(sbyte[] codes, float[] scales, QuantizedQuery query) : IRowScorer
{
    public void Score(int start, Span<float> scores)
    {
        int d = query.Codes.Length;
        int rows = scores.Length;

        // The integer dots are written into the score buffer itself (same size) and converted in place.
        Span<int> dots = MemoryMarshal.Cast<float, int>(scores);
        Int8DotProductKernel.Score(codes.AsSpan(start * d, rows * d), query.Codes, dots);
        float inverse = query.InverseScale;
        ReadOnlySpan<float> rowScales = scales.AsSpan(start, rows);
        for (int r = 0; r < rows; r++)
        {
            scores[r] = dots[r] * rowScales[r] * inverse;
        }
    }
}
