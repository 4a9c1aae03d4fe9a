using Microsoft.Extensions.VectorData;
using RefineMemory.Sqlite.VectorData;
using RefineMemory.Testing.VectorData;

namespace RefineMemory.Sqlite.Tests.VectorData;

public sealed class SqliteStringKeyContractTests : VectorStoreContractTests<string>
{
    private readonly TempDatabase _database = new();

    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new SqliteVectorStore(SqliteVectorStore.ConnectionStringFor(_database.Path)));

    protected override string Key(int i) => $"key-{i}";

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _database.Dispose();
    }
}

public sealed class SqliteGuidKeyContractTests : VectorStoreContractTests<Guid>
{
    private readonly TempDatabase _database = new();

    protected override Task<VectorStore> CreateStoreAsync() => Task.FromResult<VectorStore>(new SqliteVectorStore(SqliteVectorStore.ConnectionStringFor(_database.Path)));

    protected override Guid Key(int i) => new(i, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8]);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _database.Dispose();
    }
}
