using Microsoft.Data.Sqlite;
using RefineMemory.Memory;
using RefineMemory.OpenAI;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// A real crash: <c>refine ingest</c> runs in a child process (embedding through the loopback server, slowed
/// down), is killed after its first commits, and the database is reopened.
/// </summary>
public sealed class KillDuringIngestTests
{
    [Fact]
    public async Task Killing_the_ingest_process_loses_nothing_committed_and_leaves_no_partial_document()
    {
        using var db = new TempDatabase();
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 32);
        server.Latency = TimeSpan.FromMilliseconds(150);
        string input = Path.Combine(db.Folder, "docs.jsonl");
        var documents = Enumerable.Range(0, 1280).Select(i => new MemoryDocument($"d{i}", $"document {i} says something about topic {i % 17}")).ToArray();
        await File.WriteAllLinesAsync(input, documents.Select(d => $"{{\"id\": \"{d.Id}\", \"text\": \"{d.Text}\"}}"));

        // Kill once the child reports its first 100 documents done (progress is reported after each commit).
        using (var child = RefineCli.Start(RefineCli.LoopbackEnvironment(server.BaseUri), "ingest", input, "--collection", "c", "--db", db.Path, "--embedder", "openai"))
        {
            var read = Task.Run(async () =>
            {
                while (await child.StandardError.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("ingest: 100/", StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            });
            Assert.True(await read.WaitAsync(TimeSpan.FromSeconds(60)), "the ingest ended before reporting progress");
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        long committed = await CountAsync(db.Path, "SELECT COUNT(*) FROM documents");
        Assert.InRange(committed, 128, 1279);
        Assert.Equal(0, committed % 64); // whole batches of 64 one-chunk documents
        Assert.Equal(committed, await CountAsync(db.Path, "SELECT COUNT(*) FROM chunks"));
        Assert.Equal(0, await CountAsync(db.Path, "SELECT COUNT(*) FROM documents d WHERE chunk_count != (SELECT COUNT(*) FROM chunks c WHERE c.collection = d.collection AND c.document_id = d.id)"));

        server.Latency = TimeSpan.Zero;
        using var embedder = new OpenAICompatibleEmbeddingGenerator(new EmbeddingModelSettings(server.BaseUri, "loopback-embedding"));
        using var store = db.Open(embedder);
        Assert.Equal(committed, (await store.GetCollectionAsync("c")).Count);
        var resumed = await store.IngestAsync("c", await DocumentReader.ReadAsync(input)); // the same file the CLI read
        Assert.Equal((committed, 1280 - committed), (resumed.Unchanged, resumed.Added));
        Assert.Equal(1280, (await store.GetCollectionAsync("c")).Count);
    }

    private static async Task<long> CountAsync(string path, string sql)
    {
        using var conn = new SqliteConnection($"Data Source={path};Mode=ReadWrite;Pooling=False;Default Timeout=30");
        await conn.OpenAsync();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
