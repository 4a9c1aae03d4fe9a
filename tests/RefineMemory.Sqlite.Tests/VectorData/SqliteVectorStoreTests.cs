using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using RefineMemory.Sqlite.VectorData;
using RefineMemory.Testing.VectorData;

namespace RefineMemory.Sqlite.Tests.VectorData;

public sealed class SqliteVectorStoreTests : IDisposable
{
    private readonly TempDatabase _database = new();

    [Fact]
    public async Task Records_survive_reopening_the_file_and_share_it_with_the_memory_store()
    {
        string connection = SqliteVectorStore.ConnectionStringFor(_database.Path);
        using (var store = new SqliteVectorStore(connection))
        {
            var docs = store.GetCollection<string, ContractRecord<string>>("docs");
            await docs.EnsureCollectionExistsAsync();
            await docs.UpsertAsync(Enumerable.Range(0, 6).Select(i => ContractData.Record(i, $"k{i}")));
        }

        using (var memory = _database.Open(new HashingEmbedder(16)))
        {
            await memory.IngestAsync("notes", [new Memory.MemoryDocument("d1", "some text for the memory store")]);
        }

        using var reopened = new SqliteVectorStore(connection);
        var again = reopened.GetCollection<string, ContractRecord<string>>("docs");
        var best = await again.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 1).SingleAsync();
        Assert.Equal("alpha", best.Record.Text);
        Assert.Equal(["docs"], await reopened.ListCollectionNamesAsync().ToListAsync());
    }

    [Fact]
    public async Task A_database_of_another_application_is_refused_and_left_unchanged()
    {
        string connection = SqliteVectorStore.ConnectionStringFor(_database.Path);
        using (var foreign = new Microsoft.Data.Sqlite.SqliteConnection(connection))
        {
            foreign.Open();
            using var create = foreign.CreateCommand();
            create.CommandText = "CREATE TABLE invoices (id INTEGER PRIMARY KEY)";
            create.ExecuteNonQuery();
        }

        using var store = new SqliteVectorStore(connection);
        var e = await Assert.ThrowsAsync<VectorStoreException>(() => store.GetCollection<string, ContractRecord<string>>("docs").EnsureCollectionExistsAsync());
        Assert.Contains("invoices", e.Message, StringComparison.Ordinal);

        using var check = new Microsoft.Data.Sqlite.SqliteConnection(connection);
        check.Open();
        using var tables = check.CreateCommand();
        tables.CommandText = "SELECT group_concat(name) FROM sqlite_schema WHERE type = 'table'";
        Assert.Equal("invoices", tables.ExecuteScalar());
    }

    [Fact]
    public async Task A_second_record_type_with_other_vectors_is_refused_on_the_same_collection()
    {
        using var store = new SqliteVectorStore(SqliteVectorStore.ConnectionStringFor(_database.Path));
        await store.GetCollection<string, ContractRecord<string>>("docs").EnsureCollectionExistsAsync();
        var other = store.GetCollection<string, PlainRecord<string>>("docs", ContractData.Definition(typeof(string), DistanceFunction.EuclideanDistance));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => other.UpsertAsync(ContractData.Plain(0, "k0")));
        Assert.Contains("EuclideanDistance", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unkeyed_and_keyed_registrations_resolve()
    {
        string connection = SqliteVectorStore.ConnectionStringFor(_database.Path);
        using var provider = new ServiceCollection()
            .AddSqliteCollection<string, ContractRecord<string>>(connection, "docs")
            .AddKeyedSqliteVectorStore("other", SqliteVectorStore.ConnectionStringFor(Path.Combine(_database.Folder, "other.db")))
            .BuildServiceProvider();
        var collection = provider.GetRequiredService<VectorStoreCollection<string, ContractRecord<string>>>();
        Assert.Same(collection, provider.GetRequiredService<IVectorSearchable<ContractRecord<string>>>());
        await collection.EnsureCollectionExistsAsync();
        Assert.True(await provider.GetRequiredService<VectorStore>().CollectionExistsAsync("docs"));
        Assert.False(await provider.GetRequiredKeyedService<VectorStore>("other").CollectionExistsAsync("docs"));
        Assert.IsType<SqliteVectorStore>(provider.GetRequiredKeyedService<SqliteVectorStore>("other"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _database.Dispose();
    }
}
