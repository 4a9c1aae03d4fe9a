using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel.Data;
using RefineMemory.Connectors.InMemory;
using RefineMemory.Testing;

namespace RefineMemory.SemanticKernel.Tests;

/// <summary>A VectorData record with SK's text-search attributes, as a user of SK's vector stores writes one.</summary>
public sealed class Passage
{
    [VectorStoreKey]
    public string Id { get; set; } = "";

    [VectorStoreData]
    [TextSearchResultValue]
    public string Text { get; set; } = "";

    [VectorStoreData]
    [TextSearchResultName]
    public string Title { get; set; } = "";

    [VectorStoreData]
    [TextSearchResultLink]
    public string Url { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public string Lang { get; set; } = "en";

    [VectorStoreVector(16, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Embedding { get; set; }

    /// <summary>Twelve passages in our exact in-memory VectorData collection, every other one about refunds, the last four in German.</summary>
    public static async Task<ExactInMemoryCollection<string, Passage>> CollectionAsync()
    {
        var collection = new ExactInMemoryCollection<string, Passage>("passages");
        await collection.EnsureCollectionExistsAsync();
        var records = RefundDocuments.All.Select((d, i) => new Passage
        {
            Id = d.Id,
            Text = d.Text,
            Title = $"Handbook section {i}",
            Url = $"https://example.test/handbook/{i}",
            Lang = i >= 8 ? "de" : "en",
            Embedding = LoopbackOpenAIServer.HashedEmbedding(d.Text, 16),
        });
        await collection.UpsertAsync(records);
        return collection;
    }
}
