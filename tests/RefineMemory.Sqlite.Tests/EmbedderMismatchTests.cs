using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Search;

namespace RefineMemory.Sqlite.Tests;

/// <summary>A collection records which embedder made it; another embedder of the same dimension is refused, not mixed in.</summary>
public sealed class EmbedderMismatchTests
{
    [Fact]
    public async Task Search_and_ingest_with_another_embedder_fail_clearly_and_change_nothing()
    {
        using var db = new TempDatabase();
        using (var store = db.Open(new HashingEmbedder()))
        {
            await store.IngestAsync("notes", [new MemoryDocument("a", "the cat sat on the mat", null, null)]);
        }

        using var other = db.Open(new RenamedEmbedder(new HashingEmbedder(), "another-256-d-model"));
        var collection = await other.GetCollectionAsync("notes");
        Assert.Equal("hashing-256", collection.EmbeddingModel);

        var search = new RefinedSearch(other, other.Embedder, new GoldJudge((_, _) => null));
        var ex = await Assert.ThrowsAsync<EmbedderMismatchException>(() => search.SearchAsync("notes", "cat", request: new() { Refine = false }));
        Assert.Equal(("hashing-256", "another-256-d-model"), (ex.Recorded, ex.Current));
        Assert.Contains("collection 'notes' was embedded with 'hashing-256'", ex.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<EmbedderMismatchException>(() => other.IngestAsync("notes", [new MemoryDocument("b", "dogs bark", null, null)]));
        Assert.Equal(1, (await other.GetCollectionAsync("notes")).Count);
    }

    private sealed class RenamedEmbedder(IEmbeddingGenerator<string, Embedding<float>> inner, string modelId) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public override object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("renamed", null, modelId, 256) : base.GetService(serviceType, serviceKey);
    }
}
