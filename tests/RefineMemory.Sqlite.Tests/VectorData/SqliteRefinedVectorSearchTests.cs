using Microsoft.Extensions.VectorData;
using RefineMemory.Connectors.InMemory;
using RefineMemory.Search;
using RefineMemory.Sqlite.VectorData;
using RefineMemory.Testing.VectorData;

namespace RefineMemory.Sqlite.Tests.VectorData;

public sealed class SqliteRefinedVectorSearchTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly RefinementScenario _scenario = new();

    [Fact]
    public async Task Refinement_over_SQLite_returns_what_it_returns_over_the_in_memory_store()
    {
        using var store = new SqliteVectorStore(SqliteVectorStore.ConnectionStringFor(_database.Path));
        var sqlite = store.GetCollection<string, Passage>("passages");
        await sqlite.EnsureCollectionExistsAsync();
        await sqlite.UpsertAsync(_scenario.Passages);
        var memory = new ExactInMemoryVectorStore().GetCollection<string, Passage>("passages");
        await memory.EnsureCollectionExistsAsync();
        await memory.UpsertAsync(_scenario.Passages);

        var options = new RefinedVectorSearchOptions<Passage> { Refinement = RefinementScenario.Refinement() };
        var request = new RefinedVectorSearchRequest<Passage> { SearchOptions = new VectorSearchOptions<Passage> { Filter = p => p.Category == 0, Skip = 1 } };
        var overSqlite = await new RefinedVectorSearch<Passage>(sqlite, _scenario.Embedder, _scenario.Judge, options).SearchAsync(RefinementScenario.Query, 8, request);
        var overMemory = await new RefinedVectorSearch<Passage>(memory, _scenario.Embedder, _scenario.Judge, options).SearchAsync(RefinementScenario.Query, 8, request);

        Assert.True(overSqlite.Diagnostics.Refined, overSqlite.Diagnostics.SkippedReason);
        Assert.Null(overSqlite.Diagnostics.ReembeddedReason);
        Assert.Equal(overMemory.Hits.Select(h => h.Record.Id), overSqlite.Hits.Select(h => h.Record.Id));
        Assert.Equal(overMemory.Hits.Select(h => h.RankBefore), overSqlite.Hits.Select(h => h.RankBefore));
        for (int i = 0; i < overMemory.Hits.Count; i++)
        {
            Assert.Equal(overMemory.Hits[i].Score!.Value, overSqlite.Hits[i].Score!.Value, 5);
        }

        Assert.All(overSqlite.Hits, h => Assert.Equal(0, h.Record.Category));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _database.Dispose();
    }
}
