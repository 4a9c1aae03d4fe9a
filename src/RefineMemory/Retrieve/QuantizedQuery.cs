using System.Numerics.Tensors;

namespace RefineMemory.Retrieve;

/// <summary>
/// A unit query rounded to 16-bit integers for <see cref="Int8DotProductKernel"/>, with the bound on how far an
/// approximate cosine can be from the exact float32 one. The largest code is chosen so that
/// <c>dimension · 127 · max|code|</c> fits in an int, so no integer sum can overflow at any dimension.
/// </summary>
internal sealed class QuantizedQuery
{
    public QuantizedQuery(ReadOnlySpan<float> unitQuery)
    {
        int d = unitQuery.Length;
        float max = Math.Abs(TensorPrimitives.MaxMagnitude(unitQuery));
        int largest = (int)Math.Min(short.MaxValue, int.MaxValue / ((long)ScalarQuantizer.MaxCode * d));
        float scale = largest / max;
        Codes = new short[d];
        for (int j = 0; j < d; j++)
        {
            Codes[j] = (short)Math.Clamp(MathF.Round(unitQuery[j] * scale), -largest, largest);
        }

        InverseScale = 1f / scale;

        // |exact - approximate| <= rowScale * (|q|_1 / 2 + 127 d / (2 scale)): the row's rounding (at most half a
        // step per component, weighted by |q_j|) plus the query's (half a query step times |code| <= 127 per
        // component). The float32 sums of the exact kernel add at most about d * 2^-23 for unit vectors.
        double l1 = TensorPrimitives.SumOfMagnitudes(unitQuery);
        ErrorPerRowScale = (float)((l1 / 2) + ((double)ScalarQuantizer.MaxCode * d / (2 * (double)scale))) * 1.0001f;
        ErrorFloor = (d * 1.2e-7f) + 1e-6f;
    }

    public short[] Codes { get; }

    /// <summary>Turns an integer dot product times a row's scale into an approximate cosine.</summary>
    public float InverseScale { get; }

    /// <summary>The error bound of a row is <c>rowScale * ErrorPerRowScale + ErrorFloor</c>.</summary>
    public float ErrorPerRowScale { get; }

    public float ErrorFloor { get; }

    public float ErrorBound(float rowScale) => (rowScale * ErrorPerRowScale) + ErrorFloor;
}
