using Microsoft.Extensions.VectorData;

namespace RefineMemory.Testing.VectorData;

/// <summary>The record of the decorator tests: a passage with its text, a category and an 8-dimensional vector.</summary>
public sealed class Passage
{
    [VectorStoreKey]
    public string Id { get; set; } = "";

    [VectorStoreData]
    public string Text { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public int Category { get; set; }

    [VectorStoreVector(RefinementScenario.Dimension)]
    public ReadOnlyMemory<float>? Embedding { get; set; }

    public Passage Copy(bool withVector) => new() { Id = Id, Text = Text, Category = Category, Embedding = withVector ? Embedding : null };
}
