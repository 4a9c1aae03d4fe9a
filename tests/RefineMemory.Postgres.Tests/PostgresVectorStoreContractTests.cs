using Microsoft.Extensions.VectorData;
using RefineMemory.Testing.VectorData;

namespace RefineMemory.Postgres.Tests;

/// <summary>The shared VectorData contract against the real cluster, with HNSW (the default index) doing the searching.</summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class PostgresVectorStoreContractTests(PostgresServer server) : VectorStoreContractTests<string>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new PostgresVectorStore(server.DataSource));

    protected override string Key(int i) => $"key-{i}";
}

[Collection(PostgresCollectionDefinition.Name)]
public sealed class PostgresVectorStoreGuidKeyContractTests(PostgresServer server) : VectorStoreContractTests<Guid>
{
    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new PostgresVectorStore(server.DataSource));

    protected override Guid Key(int i) => new(i, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8]);
}
