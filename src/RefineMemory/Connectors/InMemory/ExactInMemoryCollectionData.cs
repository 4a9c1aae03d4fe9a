using System.Collections.Concurrent;
using Microsoft.Extensions.VectorData.ProviderServices;
using RefineMemory.Retrieve;

namespace RefineMemory.Connectors.InMemory;

/// <summary>
/// The contents of one collection, shared by every collection object of that name in a store: the records,
/// and one SIMD cosine index per vector property that ranks by cosine. Writers take <see cref="WriteLock"/>.
/// </summary>
internal sealed class ExactInMemoryCollectionData
{
    public ExactInMemoryCollectionData(CollectionModel model, string[] functions, ExactVectorIndexOptions? indexOptions)
    {
        Layout = Describe(model);
        Indexes = new ExactVectorIndex?[model.VectorProperties.Count];
        for (int i = 0; i < Indexes.Length; i++)
        {
            Indexes[i] = VectorScore.IsCosine(functions[i]) ? new ExactVectorIndex(model.VectorProperties[i].Dimensions, indexOptions) : null;
        }
    }

    /// <summary>Vector properties, dimensions and functions, to refuse a second, incompatible schema on the same collection.</summary>
    public string Layout { get; }

    public ConcurrentDictionary<string, StoredRecord> Records { get; } = new(StringComparer.Ordinal);

    public ExactVectorIndex?[] Indexes { get; }

    public Lock WriteLock { get; } = new();

    public static string Describe(CollectionModel model) => string.Join(", ", model.VectorProperties.Select(v =>
        $"{v.StorageName}[{v.Dimensions}] {VectorScore.Resolve(v.DistanceFunction, v.ModelName)}"));
}
