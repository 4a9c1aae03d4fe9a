using Microsoft.Extensions.VectorData;
using RefineMemory.Connectors.InMemory;
using RefineMemory.Testing.VectorData;

namespace RefineMemory.Tests.Connectors;

public sealed class ExactInMemoryStringKeyContractTests : VectorStoreContractTests<string>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new ExactInMemoryVectorStore());

    protected override string Key(int i) => $"key-{i}";
}

public sealed class ExactInMemoryGuidKeyContractTests : VectorStoreContractTests<Guid>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new ExactInMemoryVectorStore());

    protected override Guid Key(int i) => new(i, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8]);
}
