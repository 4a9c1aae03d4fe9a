using System.Numerics.Tensors;

namespace RefineMemory.Retrieve;

/// <summary>
/// Symmetric 8-bit scalar quantisation with one scale per vector: <c>x[j] ≈ scale · code[j]</c>, codes in
/// [-127, 127], <c>scale = max|x| / 127</c>. A per-vector scale needs no statistics over the collection, so a
/// row is quantised once on insert and never again, however the collection changes.
/// </summary>
internal static class ScalarQuantizer
{
    public const int MaxCode = 127;

    /// <summary>Writes the codes of <paramref name="vector"/> and returns its scale.</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        float max = TensorPrimitives.MaxMagnitude(vector);
        float scale = Math.Abs(max) / MaxCode;
        float inverse = 1f / scale;
        for (int j = 0; j < vector.Length; j++)
        {
            codes[j] = (sbyte)Math.Clamp(MathF.Round(vector[j] * inverse), -MaxCode, MaxCode);
        }

        return scale;
    }
}
