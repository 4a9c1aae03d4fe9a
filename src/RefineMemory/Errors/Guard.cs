namespace RefineMemory;

/// <summary>Argument checks shared by the public surface, with messages that name what was wrong.</summary>
internal static class Guard
{
    public static void Finite(ReadOnlySpan<float> values, string what)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException($"{what} contains a non-finite value ({values[i]}) at index {i}.", what);
            }
        }
    }

    public static void Dimension(ReadOnlySpan<float> vector, int expected, string what)
    {
        if (vector.Length != expected)
        {
            throw new DimensionMismatchException(what, expected, vector.Length);
        }
    }

    public static void NonZero(ReadOnlySpan<float> vector, string what)
    {
        if (System.Numerics.Tensors.TensorPrimitives.Norm(vector) == 0f)
        {
            throw new ArgumentException($"{what} is the zero vector; cosine similarity is undefined for it.", what);
        }
    }
}
