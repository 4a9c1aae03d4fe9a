using System.Text.Json;
using Npgsql;
using RefineMemory.Hosting;
using RefineMemory.Memory;
using RefineMemory.OpenAI;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary>The memory store on PostgreSQL, in process and through <c>refine ingest/search --db postgresql://...</c>.</summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class MemoryStoreTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly string[] Topics = ["refunds", "shipping", "passwords", "invoices", "weather", "recipes", "flights", "music"];
    private LoopbackOpenAIServer _models = null!;
    private string _folder = "";

    public async Task InitializeAsync()
    {
        _models = await LoopbackOpenAIServer.StartAsync();
        _models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 64);
        _models.Labels = (query, text) => text.Contains(query.Split(' ')[^1], StringComparison.Ordinal);
        _folder = Directory.CreateTempSubdirectory("refine-pg-docs-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _models.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static MemoryDocument[] Documents(int count, string variant = "") => [.. Enumerable.Range(0, count).Select(i =>
        new MemoryDocument($"d{i}", $"note {i} about {Topics[i % Topics.Length]} and {Topics[(i * 3) % Topics.Length]} {variant}", $"file{i % 5}.txt",
            new Dictionary<string, string> { ["topic"] = Topics[i % Topics.Length] }))];

    private PostgresMemoryStore Open(OpenAICompatibleEmbeddingGenerator embedder) => new(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString, Schema = "mem" }, embedder);

    private OpenAICompatibleEmbeddingGenerator Embedder() => new(new EmbeddingModelSettings(_models.BaseUri, "loopback-embedding"));

    [Fact]
    public async Task The_cli_stores_vectors_in_pgvector_and_returns_the_same_top_10_as_sqlite_and_refines_with_a_judge()
    {
        string input = Path.Combine(_folder, "docs.jsonl");
        await File.WriteAllLinesAsync(input, Documents(240).Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text, source = d.Source })));
        string sqlite = Path.Combine(_folder, "memory.db");
        string collection = PostgresServer.NewName("cli");
        foreach (string db in new[] { server.Uri, sqlite })
        {
            var ingest = await RefineProcess.RunAsync(_models.BaseUri, "ingest", input, "--collection", collection, "--db", db, "--embedder", "openai");
            Assert.True(ingest.Code == 0, ingest.Err);
            Assert.Contains("240 added", ingest.Out, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists("postgresql:"), "a URI must never become a folder");
        using (var conn = await server.DataSource.OpenConnectionAsync())
        using (var cmd = new NpgsqlCommand("SELECT COUNT(*), MIN(vector_dims(embedding)), MIN(pg_typeof(embedding)::text) FROM public.refine_memory_chunks WHERE collection = $1", conn) { Parameters = { new() { Value = collection } } })
        using (var reader = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal((240L, 64, "vector"), (reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2)));
        }

        var plain = new List<string[]>();
        foreach (string db in new[] { server.Uri, sqlite, server.ConnectionString })
        {
            // Exact (PostgreSQL's default is HNSW): many chunks score alike here, and exact search orders ties as SQLite does.
            var search = await RefineProcess.RunAsync(_models.BaseUri, "search", "notes about shipping", "--collection", collection, "--db", db, "--embedder", "openai", "--json", "--no-refine", "--exact");
            Assert.True(search.Code == 0, search.Err);
            plain.Add(Ids(search.Out));
        }

        Assert.Equal(10, plain[0].Length);
        Assert.Equal(plain[1], plain[0]);
        Assert.Equal(plain[0], plain[2]);

        var refined = await RefineProcess.RunAsync(_models.BaseUri, "search", "notes about shipping", "--collection", collection, "--db", server.Uri, "--embedder", "openai", "--json");
        Assert.True(refined.Code == 0, refined.Err);
        var tool = JsonDocument.Parse(refined.Out).RootElement.GetProperty("tool");
        Assert.True(tool.GetProperty("refined").GetBoolean(), refined.Out);
        Assert.Equal(20, tool.GetProperty("judged").GetInt32());
        Assert.True(_models.ChatRequests >= 20);
        var step = JsonDocument.Parse(refined.Out).RootElement.GetProperty("diagnostics").GetProperty("Step");
        Assert.InRange(step.GetProperty("StepsTaken").GetInt32(), 1, 1000);

        // The terminal form reports the step in effect too.
        var human = await RefineProcess.RunAsync(_models.BaseUri, "search", "notes about shipping", "--collection", collection, "--db", server.Uri, "--embedder", "openai");
        Assert.True(human.Code == 0, human.Err);
        Assert.Matches(@"step: lr [0-9.]+, \d+ Adam steps, the query turned [0-9.]+ rad", human.Out);
    }

    [Fact]
    public async Task Reingest_embeds_only_what_changed_and_a_reopened_store_sees_everything()
    {
        using var embedder = Embedder();
        string collection = PostgresServer.NewName("mem");
        using (var store = Open(embedder))
        {
            var first = await store.IngestAsync(collection, Documents(100), new IngestOptions { EmbeddingBatchSize = 16 });
            Assert.Equal((100, 0, 0, 100), (first.Added, first.Updated, first.Unchanged, first.EmbeddedChunks));
            var docs = Documents(100);
            docs[7] = new MemoryDocument("d7", "a rewritten note about refunds", "file2.txt");
            var second = await store.IngestAsync(collection, docs);
            Assert.Equal((0, 1, 99, 1), (second.Added, second.Updated, second.Unchanged, second.EmbeddedChunks));
        }

        using var reopened = Open(embedder);
        var loaded = await reopened.GetCollectionAsync(collection);
        Assert.Equal(100, loaded.Count);
        var record = Assert.IsType<MemoryRecord>(await loaded.GetAsync("d7#0"));
        Assert.Equal(("a rewritten note about refunds", "file2.txt"), (record.Text, record.Source));
        Assert.Contains(collection, await reopened.ListCollectionsAsync());
        var missing = await Assert.ThrowsAsync<CollectionNotFoundException>(() => reopened.GetCollectionAsync("nope"));
        Assert.Contains(collection, missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_concurrent_ingests_into_one_collection_leave_every_document_whole()
    {
        using var embedder = Embedder();
        string collection = PostgresServer.NewName("conc");
        using var a = Open(embedder);
        using var b = Open(embedder);
        var left = Documents(300);
        var right = Documents(300, "edited").Skip(150).Concat(Enumerable.Range(300, 150).Select(i => new MemoryDocument($"d{i}", $"extra note {i}"))).ToArray();
        await Task.WhenAll(
            Task.Run(() => a.IngestAsync(collection, left, new IngestOptions { EmbeddingBatchSize = 8 })),
            Task.Run(() => b.IngestAsync(collection, right, new IngestOptions { EmbeddingBatchSize = 8 })));

        Assert.Equal(450, (await a.GetCollectionAsync(collection)).Count);
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM mem.refine_memory_documents d WHERE collection = $1 AND chunk_count <> (SELECT COUNT(*) FROM mem.refine_memory_chunks c WHERE c.collection = d.collection AND c.document_id = d.id)", collection));
        var again = await b.IngestAsync(collection, right); // whichever copy won the race, re-ingesting completes the right one
        Assert.Equal((0, 300), (again.Added, again.Unchanged + again.Updated));
        Assert.Equal(150L, await ScalarAsync("SELECT COUNT(*) FROM mem.refine_memory_chunks WHERE collection = $1 AND text LIKE '%edited'", collection));
    }

    private async Task<long> ScalarAsync(string sql, string collection)
    {
        using var conn = await server.DataSource.OpenConnectionAsync();
        using var cmd = new NpgsqlCommand(sql, conn) { Parameters = { new() { Value = collection } } };
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static string[] Ids(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("tool").GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];
}
