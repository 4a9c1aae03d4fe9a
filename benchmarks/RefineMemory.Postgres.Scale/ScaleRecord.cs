using Microsoft.Extensions.VectorData;

namespace RefineMemory.Postgres.Scale;

/// <summary>One benchmark row: its ordinal as key, its cluster (or intent) and its vector.</summary>
public sealed class ScaleRecord
{
    public long Id { get; set; }

    public int Group { get; set; }

    public ReadOnlyMemory<float> Vector { get; set; }

    public static VectorStoreCollectionDefinition Definition(int dimension, string indexKind) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty(nameof(Id), typeof(long)),
            new VectorStoreDataProperty(nameof(Group), typeof(int)),
            new VectorStoreVectorProperty(nameof(Vector), typeof(ReadOnlyMemory<float>), dimension) { DistanceFunction = DistanceFunction.CosineSimilarity, IndexKind = indexKind },
        ],
    };
}
