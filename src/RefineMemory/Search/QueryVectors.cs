using System.Numerics.Tensors;

namespace RefineMemory.Search;

/// <summary>
/// Checks of the vector a search starts from, before the store sees it: a vector that is not finite or all zeros
/// has no direction (every cosine is NaN or 0), and one of another dimension than the records cannot be compared.
/// The caller's own vector is an argument error; one from the embedding generator names the generator.
/// </summary>
internal static class QueryVectors
{
    public static void Check<TRecord>(float[] vector, bool given, SearchRecordAccessor<TRecord> records)
        where TRecord : class
    {
        if (Problem(vector, vector.Length) is { } problem)
        {
            throw given
                ? new ArgumentException($"The query vector {problem}; it has no direction to search in.", "QueryVector")
                : new InvalidDataException($"The embedding generator returned a query vector that {problem}; nothing was searched.");
        }

        if (records.Dimensions is { } dimensions && vector.Length != dimensions)
        {
            throw new DimensionMismatchException($"The query vector for '{records.VectorName}'", dimensions, vector.Length);
        }
    }

    /// <summary>What makes <paramref name="vector"/> unusable as a direction of <paramref name="dimension"/> values, or null.</summary>
    public static string? Problem(ReadOnlySpan<float> vector, int dimension)
    {
        if (vector.IsEmpty)
        {
            return "is empty";
        }

        if (vector.Length != dimension)
        {
            return $"has {vector.Length} dimensions where the query has {dimension}";
        }

        if (!TensorPrimitives.IsFiniteAll(vector))
        {
            return "is not finite (it holds NaN or an infinity)";
        }

        return TensorPrimitives.MaxMagnitude(vector) == 0f ? "is all zeros" : null;
    }
}
