using Microsoft.Extensions.VectorData;
using Npgsql;

namespace RefineMemory.Postgres.Tests;

/// <summary>The connector's own behaviour beyond the shared contract: SQL shape, HNSW vs exact, half vectors, names.</summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class PostgresCollectionTests(PostgresServer server)
{
    public sealed class Note
    {
        [VectorStoreKey]
        public string Id { get; set; } = "";

        [VectorStoreData]
        public string Text { get; set; } = "";

        [VectorStoreData(IsIndexed = true)]
        public List<string> Tags { get; set; } = [];

        [VectorStoreData]
        public int? Rank { get; set; }

        [VectorStoreVector(3, DistanceFunction = DistanceFunction.CosineSimilarity, IndexKind = IndexKind.Hnsw)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private PostgresVectorStore Store(PostgresCollectionOptions? options = null) => new(server.DataSource, options);

    private static Note N(string id, float x, float y, float z, params string[] tags) => new() { Id = id, Text = "text " + id, Tags = [.. tags], Embedding = new[] { x, y, z } };

    [Fact]
    public async Task Creates_a_vector_table_with_an_hnsw_cosine_index_and_a_gin_index_on_tags()
    {
        string name = PostgresServer.NewName("notes");
        var collection = Store(new PostgresCollectionOptions { HnswM = 8, HnswEfConstruction = 32 }).GetCollection<string, Note>(name);
        Assert.False(await collection.CollectionExistsAsync());
        await collection.EnsureCollectionExistsAsync();
        await collection.EnsureCollectionExistsAsync(); // idempotent
        Assert.True(await collection.CollectionExistsAsync());

        var indexes = await QueryAsync<string>($"SELECT indexdef FROM pg_indexes WHERE tablename = '{name}' ORDER BY indexname");
        Assert.Contains(indexes, d => d.Contains("USING hnsw (\"Embedding\" vector_cosine_ops) WITH (m='8', ef_construction='32')", StringComparison.Ordinal));
        Assert.Contains(indexes, d => d.Contains("USING gin (\"Tags\")", StringComparison.Ordinal));
        Assert.Equal(["vector(3)"], await QueryAsync<string>($"SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '\"{name}\"'::regclass AND attname = 'Embedding'"));
        Assert.Equal([1], await QueryAsync<int>($"SELECT schema_version FROM refine_collections WHERE name = '{name}'"));
        Assert.Contains(name, await Store().ListCollectionNamesAsync().ToListAsync());
    }

    [Fact]
    public async Task Upserts_in_batches_gets_searches_filters_and_deletes()
    {
        var collection = Store().GetCollection<string, Note>(PostgresServer.NewName("notes"));
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync([N("a", 1, 0, 0, "x"), N("b", 0.9f, 0.1f, 0, "y"), N("c", 0, 1, 0, "x", "y"), N("a", 1, 0.01f, 0, "x", "z")]);

        var a = await collection.GetAsync("a", new RecordRetrievalOptions { IncludeVectors = true });
        Assert.Equal(["x", "z"], a!.Tags); // the last copy of a key in one batch wins
        Assert.Equal(new[] { 1f, 0.01f, 0 }, a.Embedding.ToArray());
        Assert.True((await collection.GetAsync("b"))!.Embedding.IsEmpty); // vectors only when asked for

        var hits = await collection.SearchAsync(new[] { 1f, 0, 0 }, 2).ToListAsync();
        Assert.Equal(["a", "b"], hits.Select(h => h.Record.Id));
        Assert.Equal(1.0, hits[0].Score!.Value, 3);

        var tagged = await collection.SearchAsync(new[] { 1f, 0, 0 }, 5, new() { Filter = n => n.Tags.Contains("y") && !(n.Id == "b") }).ToListAsync();
        Assert.Equal(["c"], tagged.Select(h => h.Record.Id));
        Assert.Equal(["b", "c"], (await collection.GetAsync(n => n.Tags.Contains("y"), 10, new() { OrderBy = o => o.Ascending(n => n.Id) }).ToListAsync()).Select(n => n.Id));
        Assert.Equal(3, (await collection.GetAsync(n => n.Rank == null, 10).ToListAsync()).Count);
        Assert.Equal(3, (await collection.GetAsync(n => n.Rank != 4, 10).ToListAsync()).Count); // C#: null != 4

        await collection.DeleteAsync(["a", "c", "missing"]);
        Assert.Equal(["b"], (await collection.GetAsync(["a", "b", "c"]).ToListAsync()).Select(n => n.Id));
    }

    [Fact]
    public async Task Filter_values_are_parameters_never_sql()
    {
        var collection = Store().GetCollection<string, Note>(PostgresServer.NewName("notes"));
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(N("a", 1, 0, 0, "x"));
        string hostile = "x'); DROP TABLE refine_collections; --";
        Assert.Empty(await collection.GetAsync(n => n.Text == hostile || n.Tags.Contains(hostile), 10).ToListAsync());
        Assert.True(await collection.CollectionExistsAsync());
    }

    [Theory]
    [InlineData("a\"b")]
    [InlineData("x; DROP TABLE t")]
    [InlineData("")]
    [InlineData("9starts_with_digit")]
    public void Collection_names_outside_the_safe_pattern_are_refused_before_any_sql(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => Store().GetCollection<string, Note>(name));
        Assert.Contains("not allowed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Half_vectors_and_exact_search_return_the_same_order_as_full_vectors_with_hnsw()
    {
        var random = new Random(7);
        var notes = Enumerable.Range(0, 300).Select(i => N($"n{i}", random.NextSingle() - 0.5f, random.NextSingle() - 0.5f, random.NextSingle() - 0.5f)).ToList();
        var hnsw = Store().GetCollection<string, Note>(PostgresServer.NewName("hnsw"));
        var half = Store(new PostgresCollectionOptions { UseHalfVectors = true }).GetCollection<string, Note>(PostgresServer.NewName("half"));
        var definition = new VectorStoreCollectionDefinition
        {
            Properties = [new VectorStoreKeyProperty("Id", typeof(string)), new VectorStoreDataProperty("Text", typeof(string)), new VectorStoreDataProperty("Tags", typeof(List<string>)),
                new VectorStoreDataProperty("Rank", typeof(int?)), new VectorStoreVectorProperty("Embedding", typeof(ReadOnlyMemory<float>), 3) { IndexKind = IndexKind.Flat }],
        };
        var exact = Store().GetCollection<string, Note>(PostgresServer.NewName("flat"), definition);
        foreach (var c in new[] { hnsw, half, exact })
        {
            await c.EnsureCollectionExistsAsync();
            await c.UpsertAsync(notes);
        }

        Assert.DoesNotContain(await QueryAsync<string>($"SELECT indexdef FROM pg_indexes WHERE tablename = '{exact.Name}'"), d => d.Contains("hnsw", StringComparison.Ordinal));
        var query = new[] { 0.3f, -0.2f, 0.1f };
        var truth = await exact.SearchAsync(query, 10).Select(h => h.Record.Id).ToListAsync();
        Assert.Equal(truth, await hnsw.SearchAsync(query, 10).Select(h => h.Record.Id).ToListAsync());
        Assert.True((await half.SearchAsync(query, 10).Select(h => h.Record.Id).ToListAsync()).Intersect(truth).Count() >= 9);
    }

    [Fact]
    public async Task A_vector_of_the_wrong_dimension_is_refused_before_anything_is_written()
    {
        var collection = Store().GetCollection<string, Note>(PostgresServer.NewName("notes"));
        await collection.EnsureCollectionExistsAsync();
        var ex = await Assert.ThrowsAsync<DimensionMismatchException>(() => collection.UpsertAsync([N("ok", 1, 0, 0), new Note { Id = "bad", Embedding = new[] { 1f, 2f } }]));
        Assert.Contains("'Embedding'", ex.Message, StringComparison.Ordinal);
        Assert.Null(await collection.GetAsync("ok"));
    }

    [Fact]
    public async Task Unknown_collection_is_a_vector_store_error_naming_it()
    {
        var collection = Store().GetCollection<string, Note>(PostgresServer.NewName("ghost"));
        var ex = await Assert.ThrowsAsync<VectorStoreException>(() => collection.UpsertAsync(N("a", 1, 0, 0)));
        Assert.Contains($"Collection '{collection.Name}' does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_creation_of_one_collection_succeeds_once()
    {
        string name = PostgresServer.NewName("race");
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store().GetCollection<string, Note>(name).EnsureCollectionExistsAsync())));
        Assert.Equal([1L], await QueryAsync<long>($"SELECT COUNT(*) FROM refine_collections WHERE name = '{name}'"));
    }

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        using var conn = await server.DataSource.OpenConnectionAsync();
        using var cmd = new NpgsqlCommand(sql, conn);
        using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetFieldValue<T>(0));
        }

        return rows;
    }
}
