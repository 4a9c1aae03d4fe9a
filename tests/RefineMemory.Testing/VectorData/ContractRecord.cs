using Microsoft.Extensions.VectorData;

namespace RefineMemory.Testing.VectorData;

/// <summary>The attribute-based record of the contract suite (cosine similarity, 4 dimensions).</summary>
public sealed class ContractRecord<TKey>
{
    [VectorStoreKey]
    public TKey Key { get; set; } = default!;

    [VectorStoreData]
    public string Text { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public string Category { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public List<string> Tags { get; set; } = [];

    [VectorStoreData(IsIndexed = true)]
    public int Rank { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public bool Active { get; set; }

    [VectorStoreVector(ContractData.Dimension, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float>? Embedding { get; set; }
}

/// <summary>The same record without attributes, described by <see cref="ContractData.Definition"/>.</summary>
public sealed class PlainRecord<TKey>
{
    public TKey Key { get; set; } = default!;

    public string Text { get; set; } = "";

    public string Category { get; set; } = "";

    public List<string> Tags { get; set; } = [];

    public int Rank { get; set; }

    public bool Active { get; set; }

    public ReadOnlyMemory<float>? Embedding { get; set; }
}
