using Microsoft.Extensions.VectorData;
using RefineMemory.Retrieve;

namespace RefineMemory.Connectors.InMemory;

/// <summary>
/// Settings of an <see cref="ExactInMemoryCollection{TKey, TRecord}"/>. <see cref="VectorStoreCollectionOptions.Definition"/>
/// overrides the record's attributes (required for dynamic collections). <see cref="VectorStoreCollectionOptions.EmbeddingGenerator"/>
/// is not supported: the store holds vectors the caller computed (wrap it in <c>RefinedVectorSearch</c> to search by text).
/// </summary>
public sealed class ExactInMemoryCollectionOptions : VectorStoreCollectionOptions
{
    /// <summary>Creates options with the documented defaults.</summary>
    public ExactInMemoryCollectionOptions()
    {
    }

    /// <summary>Copies every setting of <paramref name="source"/>; the documented defaults when it is <c>null</c>.</summary>
    public ExactInMemoryCollectionOptions(ExactInMemoryCollectionOptions? source)
        : base(source)
    {
        IndexOptions = source?.IndexOptions;
    }

    /// <summary>Tuning of the SIMD cosine index (capacity, parallelism). Default <c>null</c>: its defaults.</summary>
    public ExactVectorIndexOptions? IndexOptions { get; set; }
}
