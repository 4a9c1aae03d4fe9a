using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using RefineMemory.Connectors.InMemory;
using RefineMemory.Testing.VectorData;

namespace RefineMemory.Tests.Connectors;

public sealed class ExactInMemoryRegistrationTests
{
    [Fact]
    public async Task The_unkeyed_store_and_collection_resolve_to_one_shared_store()
    {
        using var provider = new ServiceCollection()
            .AddExactInMemoryVectorStore()
            .AddExactInMemoryCollection<string, ContractRecord<string>>("docs")
            .BuildServiceProvider();
        var store = provider.GetRequiredService<VectorStore>();
        Assert.Same(provider.GetRequiredService<ExactInMemoryVectorStore>(), store);

        var collection = provider.GetRequiredService<VectorStoreCollection<string, ContractRecord<string>>>();
        Assert.Same(collection, provider.GetRequiredService<IVectorSearchable<ContractRecord<string>>>());
        await collection.EnsureCollectionExistsAsync();
        Assert.True(await store.CollectionExistsAsync("docs"));
    }

    [Fact]
    public async Task Keyed_stores_are_separate()
    {
        using var provider = new ServiceCollection()
            .AddKeyedExactInMemoryCollection<string, ContractRecord<string>>("first", "docs")
            .AddKeyedExactInMemoryVectorStore("second")
            .BuildServiceProvider();
        var first = provider.GetRequiredKeyedService<VectorStore>("first");
        var second = provider.GetRequiredKeyedService<VectorStore>("second");
        Assert.NotSame(first, second);

        await provider.GetRequiredKeyedService<VectorStoreCollection<string, ContractRecord<string>>>("first").EnsureCollectionExistsAsync();
        Assert.True(await first.CollectionExistsAsync("docs"));
        Assert.False(await second.CollectionExistsAsync("docs"));
        Assert.Null(provider.GetService<VectorStore>());
    }

    [Fact]
    public void An_existing_registration_wins()
    {
        var mine = new ExactInMemoryVectorStore();
        using var provider = new ServiceCollection().AddSingleton(mine).AddExactInMemoryVectorStore().BuildServiceProvider();
        Assert.Same(mine, provider.GetRequiredService<VectorStore>());
    }
}
