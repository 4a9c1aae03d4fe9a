using System.Numerics.Tensors;
using Microsoft.Extensions.VectorData;

namespace RefineMemory.Connectors;

/// <summary>The distance functions our flat stores compute exactly, and which way their scores run.</summary>
internal static class VectorScore
{
    /// <summary>The function in effect: the declared one, or cosine similarity when none is declared.</summary>
    public static string Resolve(string? declared, string property)
    {
        string function = declared ?? DistanceFunction.CosineSimilarity;
        return function switch
        {
            DistanceFunction.CosineSimilarity or DistanceFunction.CosineDistance or DistanceFunction.DotProductSimilarity
                or DistanceFunction.NegativeDotProductSimilarity or DistanceFunction.EuclideanDistance or DistanceFunction.EuclideanSquaredDistance => function,
            _ => throw new NotSupportedException(
                $"Distance function '{function}' of vector property '{property}' is not supported; supported: CosineSimilarity, CosineDistance, DotProductSimilarity, NegativeDotProductSimilarity, EuclideanDistance, EuclideanSquaredDistance."),
        };
    }

    /// <summary>Whether a higher score means more similar.</summary>
    public static bool HigherIsBetter(string function) =>
        function is DistanceFunction.CosineSimilarity or DistanceFunction.DotProductSimilarity;

    /// <summary>Whether the function ranks like cosine similarity (so the normalised SIMD index can rank it).</summary>
    public static bool IsCosine(string function) =>
        function is DistanceFunction.CosineSimilarity or DistanceFunction.CosineDistance;

    /// <summary>The score the store reports for a cosine similarity.</summary>
    public static double FromCosine(string function, float cosine) =>
        function == DistanceFunction.CosineDistance ? 1d - cosine : cosine;

    public static double Compute(string function, ReadOnlySpan<float> query, ReadOnlySpan<float> vector) => function switch
    {
        DistanceFunction.CosineSimilarity => TensorPrimitives.CosineSimilarity(query, vector),
        DistanceFunction.CosineDistance => 1d - TensorPrimitives.CosineSimilarity(query, vector),
        DistanceFunction.DotProductSimilarity => TensorPrimitives.Dot(query, vector),
        DistanceFunction.NegativeDotProductSimilarity => -TensorPrimitives.Dot(query, vector),
        DistanceFunction.EuclideanDistance => TensorPrimitives.Distance(query, vector),
        DistanceFunction.EuclideanSquaredDistance => Squared(TensorPrimitives.Distance(query, vector)),
        _ => throw new NotSupportedException($"Distance function '{function}' is not supported."),
    };

    /// <summary>Whether <paramref name="score"/> passes <paramref name="threshold"/> (at least for similarities, at most for distances).</summary>
    public static bool Passes(string function, double score, double? threshold) =>
        threshold is not double t || (HigherIsBetter(function) ? score >= t : score <= t);

    private static double Squared(float d) => (double)d * d;
}
