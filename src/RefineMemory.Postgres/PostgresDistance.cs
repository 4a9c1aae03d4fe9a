using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace RefineMemory.Postgres;

/// <summary>
/// A VectorData distance function as pgvector computes it: the operator (every one orders ascending, so the HNSW
/// index serves <c>ORDER BY column op $1</c>), the index operator-class suffix, and the score reported from the
/// operator's value (similarities are higher-is-better, distances lower-is-better).
/// </summary>
internal sealed record PostgresDistance(string Operator, string OperatorClass, Func<double, double> Score, bool HigherIsBetter)
{
    private static readonly PostgresDistance CosineSimilarity = new("<=>", "_cosine_ops", d => 1 - d, true);

    public static PostgresDistance For(VectorPropertyModel vector) => vector.DistanceFunction switch
    {
        null or DistanceFunction.CosineSimilarity => CosineSimilarity,
        DistanceFunction.CosineDistance => new("<=>", "_cosine_ops", d => d, false),
        DistanceFunction.DotProductSimilarity => new("<#>", "_ip_ops", d => -d, true),
        DistanceFunction.NegativeDotProductSimilarity => new("<#>", "_ip_ops", d => d, false),
        DistanceFunction.EuclideanDistance => new("<->", "_l2_ops", d => d, false),
        DistanceFunction.EuclideanSquaredDistance => new("<->", "_l2_ops", d => d * d, false),
        DistanceFunction.ManhattanDistance => new("<+>", "_l1_ops", d => d, false),
        _ => throw new NotSupportedException($"Vector property '{vector.ModelName}' asks for distance function '{vector.DistanceFunction}', which the PostgreSQL connector does not offer."),
    };

    public bool Passes(double score, double threshold) => HigherIsBetter ? score >= threshold : score <= threshold;
}
