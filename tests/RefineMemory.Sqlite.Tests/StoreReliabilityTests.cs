using Microsoft.Data.Sqlite;
using RefineMemory.Memory;

namespace RefineMemory.Sqlite.Tests;

/// <summary>The store against concurrent creators, missing, foreign, unmarked and damaged files.</summary>
public sealed class StoreReliabilityTests
{
    private static MemoryDocument[] Docs(string prefix, int n) =>
        [.. Enumerable.Range(0, n).Select(i => new MemoryDocument($"{prefix}{i}", $"document {prefix} number {i} about topic {i % 3}"))];

    [Fact]
    public async Task Two_stores_creating_the_same_new_collection_at_once_both_succeed()
    {
        using var db = new TempDatabase();
        for (int round = 0; round < 3; round++)
        {
            using var first = db.Open(new HashingEmbedder(32));
            using var second = db.Open(new HashingEmbedder(32));
            string name = $"new{round}";
            var results = await Task.WhenAll(
                Task.Run(() => first.IngestAsync(name, Docs("a", 20))),
                Task.Run(() => second.IngestAsync(name, Docs("b", 20))));
            Assert.All(results, r => Assert.Equal(20, r.Added));
            using var reader = db.Open(new HashingEmbedder(32));
            Assert.Equal(40, (await reader.GetCollectionAsync(name)).Count);
        }
    }

    [Fact]
    public async Task Searching_a_missing_database_creates_nothing_and_foreign_files_are_refused_unchanged()
    {
        using var db = new TempDatabase();
        using (var missing = db.Open(new HashingEmbedder(32)))
        {
            var ex = await Assert.ThrowsAsync<CollectionNotFoundException>(() => missing.GetCollectionAsync("c"));
            Assert.Contains("no collections yet", ex.Message, StringComparison.Ordinal);
            Assert.Empty(await missing.ListCollectionsAsync());
            Assert.False(File.Exists(db.Path));
        }

        using (var conn = new SqliteConnection($"Data Source={db.Path}"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "CREATE TABLE invoices (id INTEGER); INSERT INTO invoices VALUES (7);";
            cmd.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        byte[] before = await File.ReadAllBytesAsync(db.Path);
        using (var store = db.Open(new HashingEmbedder(32)))
        {
            var ex = await Assert.ThrowsAsync<MemoryStoreException>(() => store.IngestAsync("c", Docs("a", 2)));
            Assert.Contains("another application", ex.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<MemoryStoreException>(() => store.GetCollectionAsync("c"));
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(before, await File.ReadAllBytesAsync(db.Path));
    }

    [Fact]
    public async Task An_unmarked_database_of_ours_still_opens_and_is_marked_on_its_next_write()
    {
        using var db = new TempDatabase();
        using (var store = db.Open(new HashingEmbedder(32)))
        {
            await store.IngestAsync("c", Docs("a", 3));
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(SqliteDatabase.ApplicationId, ApplicationId(db.Path));
        SetApplicationId(db.Path, 0); // as written by an earlier RefineMemory
        using (var store = db.Open(new HashingEmbedder(32)))
        {
            Assert.Equal(3, (await store.GetCollectionAsync("c")).Count);
            await store.IngestAsync("c", Docs("b", 1));
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(SqliteDatabase.ApplicationId, ApplicationId(db.Path));
    }

    [Fact]
    public async Task A_damaged_stored_vector_is_reported_as_damage_in_the_file_naming_the_chunk()
    {
        using var db = new TempDatabase();
        using (var store = db.Open(new HashingEmbedder(32)))
        {
            await store.IngestAsync("c", Docs("a", 3));
        }

        SqliteConnection.ClearAllPools();
        using (var conn = new SqliteConnection($"Data Source={db.Path}"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "UPDATE chunks SET vector = $v WHERE document_id = 'a1'";
            cmd.Parameters.AddWithValue("$v", VectorBlob.ToBytes(Enumerable.Repeat(float.NaN, 32).ToArray()));
            cmd.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        using var reopened = db.Open(new HashingEmbedder(32));
        var ex = await Assert.ThrowsAsync<MemoryStoreException>(() => reopened.GetCollectionAsync("c"));
        Assert.Contains("stored vector of chunk 'a1#0'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("embedding generator", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ids_given_twice_in_one_ingest_are_reported()
    {
        using var db = new TempDatabase();
        using var store = db.Open(new HashingEmbedder(32));
        var r = await store.IngestAsync("c", [new MemoryDocument("x", "one"), new MemoryDocument("y", "two"), new MemoryDocument("x", "three")]);
        Assert.Equal(2, r.Added);
        Assert.Equal(["x"], r.DuplicateIds);
    }

    [Fact]
    public async Task A_huge_document_is_embedded_in_bounded_calls_with_progress()
    {
        using var db = new TempDatabase();
        using var store = db.Open(new HashingEmbedder(32));
        string big = string.Join(' ', Enumerable.Range(0, 20_000).Select(i => $"w{i}"));
        var reports = new List<IngestProgress>();
        var r = await store.IngestAsync("c", [new MemoryDocument("big", big)], new IngestOptions { EmbeddingBatchSize = 16 }, new SyncProgress(reports));
        Assert.True(r.Chunks > 100, $"{r.Chunks} chunks");
        var chunkReports = reports.Where(p => p.ChunksToEmbed > 0).ToArray();
        Assert.Equal((r.Chunks + 15) / 16, chunkReports.Length);
        Assert.Equal(r.Chunks, chunkReports[^1].ChunksEmbedded);
    }

    private static long ApplicationId(string path)
    {
        using var conn = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA application_id";
        return (long)cmd.ExecuteScalar()!;
    }

    private static void SetApplicationId(string path, int id)
    {
        using var conn = new SqliteConnection($"Data Source={path}");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"PRAGMA application_id = {id}";
        cmd.ExecuteNonQuery();
        SqliteConnection.ClearPool(conn);
    }

    private sealed class SyncProgress(List<IngestProgress> reports) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => reports.Add(value);
    }
}
