using Microsoft.Data.Sqlite;
using RefineMemory.Memory;
using RefineMemory.Embed;

namespace RefineMemory.Sqlite.Tests;

public sealed class MemoryStoreTests
{
    private static MemoryDocument Doc(string id, string text, string? tag = null) =>
        new(id, text, $"src/{id}.txt", tag is null ? null : new Dictionary<string, string> { ["topic"] = tag });

    [Fact]
    public async Task Ingested_documents_survive_reopening_with_text_metadata_and_vectors()
    {
        using var db = new TempDatabase();
        var embedder = new HashingEmbedder();
        using (var store = db.Open(embedder))
        {
            var result = await store.IngestAsync("notes", [Doc("a", "the cat sat on the mat", "pets"), Doc("b", "stock prices fell sharply", "finance")],
                new IngestOptions { Instruction = "Find notes." });
            Assert.Equal((2, 0, 0, 2, 2), (result.Added, result.Updated, result.Unchanged, result.Chunks, result.EmbeddedChunks));
        }

        using var reopened = db.Open(new HashingEmbedder());
        var collection = await reopened.GetCollectionAsync("notes");
        Assert.Equal(2, collection.Count);
        Assert.Equal(256, collection.Dimension);
        Assert.Equal("Find notes.", collection.Instruction);
        var record = Assert.IsType<MemoryRecord>(await collection.GetAsync("a#0", includeEmbedding: true));
        Assert.Equal(("a", "the cat sat on the mat", "src/a.txt", "pets"), (record.DocumentId, record.Text, record.Source, record.Metadata["topic"]));
        float[] expected = embedder.Embed("the cat sat on the mat");
        float norm = MathF.Sqrt(expected.Sum(x => x * x));
        float[] stored = record.Embedding.ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i] / norm, stored[i], 5);
        }
    }

    [Fact]
    public async Task Re_ingesting_unchanged_documents_embeds_nothing_and_an_edit_re_embeds_only_changed_chunks()
    {
        using var db = new TempDatabase();
        var embedder = new HashingEmbedder();
        using var store = db.Open(embedder);
        var chunking = new IngestOptions { Chunking = new ChunkingOptions { MaxChars = 40, Overlap = 0 } };
        string para1 = "First paragraph talks about cats.";
        string para2 = "Second paragraph is about dogs.";
        await store.IngestAsync("c", [Doc("d", para1 + "\n\n" + para2), Doc("e", "something else entirely")], chunking);
        int afterFirst = embedder.Embedded;
        Assert.Equal(3, afterFirst);

        var again = await store.IngestAsync("c", [Doc("d", para1 + "\n\n" + para2), Doc("e", "something else entirely")], chunking);
        Assert.Equal((0, 0, 2, 0), (again.Added, again.Updated, again.Unchanged, again.EmbeddedChunks));
        Assert.Equal(afterFirst, embedder.Embedded);

        var edited = await store.IngestAsync("c", [Doc("d", para1 + "\n\nSecond paragraph is about birds now.")], chunking);
        Assert.Equal((0, 1, 1, 1), (edited.Added, edited.Updated, edited.EmbeddedChunks, edited.ReusedChunks));
        var collection = await store.GetCollectionAsync("c");
        var changed = Assert.IsType<MemoryRecord>(await collection.GetAsync("d#1"));
        Assert.Contains("birds", changed.Text, StringComparison.Ordinal);
        Assert.Equal(3, collection.Count);
    }

    [Fact]
    public async Task A_missing_collection_is_a_typed_error_naming_the_existing_ones()
    {
        using var db = new TempDatabase();
        using var store = db.Open(new HashingEmbedder());
        var empty = await Assert.ThrowsAsync<CollectionNotFoundException>(() => store.GetCollectionAsync("nope"));
        Assert.Contains("no collections yet", empty.Message, StringComparison.Ordinal);
        await store.IngestAsync("alpha", [Doc("a", "hello world")]);
        var ex = await Assert.ThrowsAsync<CollectionNotFoundException>(() => store.GetCollectionAsync("beta"));
        Assert.Equal("beta", ex.Collection);
        Assert.Contains("alpha", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_a_collection_from_documents_without_text_is_an_argument_error_and_stores_nothing()
    {
        using var db = new TempDatabase();
        using var store = db.Open(new HashingEmbedder());
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.IngestAsync("blank", [Doc("a", ""), Doc("b", "   ")]));
        Assert.Equal("documents", ex.ParamName);
        Assert.Contains("'blank'", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => store.GetCollectionAsync("blank"));
    }

    [Fact]
    public async Task Ingesting_with_an_embedder_of_another_dimension_fails_and_stores_nothing()
    {
        using var db = new TempDatabase();
        using (var store = db.Open(new HashingEmbedder(256)))
        {
            await store.IngestAsync("c", [Doc("a", "hello world")]);
        }

        using (var otherModel = db.Open(new HashingEmbedder(128)))
        {
            await Assert.ThrowsAsync<EmbedderMismatchException>(() => otherModel.IngestAsync("c", [Doc("b", "another text")]));
        }

        // The same model id with another output size (e.g. an endpoint's dimensions setting changed).
        using var other = db.Open(new HashingEmbedder(128, modelId: "hashing-256"));
        var ex = await Assert.ThrowsAsync<DimensionMismatchException>(() => other.IngestAsync("c", [Doc("b", "another text")]));
        Assert.Equal((256, 128), (ex.Expected, ex.Actual));
        Assert.Contains("'c'", ex.Message, StringComparison.Ordinal);
        var collection = await other.GetCollectionAsync("c");
        Assert.Null(await collection.GetAsync("b#0"));
    }

    [Fact]
    public async Task An_exception_inside_an_ingest_transaction_keeps_committed_batches_and_leaves_no_partial_document()
    {
        using var db = new TempDatabase();
        var docs = Enumerable.Range(0, 10).Select(i => Doc($"doc{i}", $"document number {i} about topic {i % 3}")).ToArray();
        using (var store = db.Open(new HashingEmbedder()))
        {
            store.BeforeCommit = (batch, _) => batch == 2 ? throw new IOException("simulated crash before commit") : Task.CompletedTask;
            await Assert.ThrowsAsync<IOException>(() => store.IngestAsync("c", docs, new IngestOptions { EmbeddingBatchSize = 3 }));
        }

        using var reopened = db.Open(new HashingEmbedder());
        var collection = await reopened.GetCollectionAsync("c");
        Assert.Equal(6, collection.Count); // batches 0 and 1 (3 documents each) committed; batch 2 rolled back whole
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(i < 6, await collection.GetAsync($"doc{i}#0") is not null);
        }

        Assert.Equal(0L, await ScalarAsync(db.Path, "SELECT COUNT(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.collection = c.collection AND d.id = c.document_id)"));
        Assert.Equal(6L, await ScalarAsync(db.Path, "SELECT COUNT(*) FROM documents"));

        // Ingesting again completes the rest and embeds only what was lost.
        var embedder = new HashingEmbedder();
        using var resumed = db.Open(embedder);
        var result = await resumed.IngestAsync("c", docs, new IngestOptions { EmbeddingBatchSize = 3 });
        Assert.Equal((4, 6, 4), (result.Added, result.Unchanged, embedder.Embedded));
    }

    [Fact]
    public async Task Readers_search_while_a_writer_ingests_and_another_store_sees_the_commits()
    {
        using var db = new TempDatabase();
        var embedder = new HashingEmbedder();
        using var writer = db.Open(embedder);
        await writer.IngestAsync("c", [Doc("seed", "seed document")]);
        using var reader = db.Open(new HashingEmbedder());

        var ingest = Task.Run(async () =>
        {
            for (int b = 0; b < 20; b++)
            {
                await writer.IngestAsync("c", Enumerable.Range(0, 10).Select(i => Doc($"d{b}-{i}", $"batch {b} item {i} words")).ToArray());
            }
        });
        int lastCount = 0;
        var query = embedder.Embed("batch item");
        while (!ingest.IsCompleted)
        {
            var collection = await reader.GetCollectionAsync("c");
            int count = collection.Count;
            Assert.True(count >= lastCount, $"count went from {lastCount} to {count}");
            Assert.Equal(1, count % 10); // whole batches only (10 documents each, plus the seed)
            var hits = await collection.Chunks.SearchAsync(query, 5).ToListAsync();
            foreach (var h in hits)
            {
                Assert.NotNull(await collection.GetAsync(h.Record.Id));
            }
            lastCount = count;
        }

        await ingest;
        Assert.Equal(201, (await reader.GetCollectionAsync("c")).Count);
    }

    private static async Task<long> ScalarAsync(string path, string sql)
    {
        using var conn = new SqliteConnection($"Data Source={path};Pooling=False");
        await conn.OpenAsync();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
