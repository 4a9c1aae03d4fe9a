using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.VectorData;
using Npgsql;
using RefineMemory.Memory;
using RefineMemory.OpenAI;
using RefineMemory.Search;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary>Server restarts, an unreachable server, statement timeouts and a killed ingest, against the real cluster.</summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class FaultTests(PostgresServer server)
{
    public sealed class Doc
    {
        [VectorStoreKey]
        public Guid Id { get; set; }

        [VectorStoreData]
        public string Text { get; set; } = "";

        [VectorStoreVector(4)]
        public float[] Embedding { get; set; } = [];
    }

    [Fact]
    public async Task A_restarted_server_costs_the_next_call_nothing_connector_and_memory_store()
    {
        using var dataSource = PostgresVectorStore.CreateDataSource(server.ConnectionString);
        var collection = new PostgresVectorStore(dataSource).GetCollection<Guid, Doc>(PostgresServer.NewName("restart"));
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(new Doc { Id = Guid.NewGuid(), Text = "a", Embedding = [1, 0, 0, 0] });

        await using var models = await LoopbackOpenAIServer.StartAsync();
        using var embedder = new OpenAICompatibleEmbeddingGenerator(new EmbeddingModelSettings(models.BaseUri, "loopback-embedding"));
        using var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString }, embedder);
        string memory = PostgresServer.NewName("restartmem");
        await store.IngestAsync(memory, [new MemoryDocument("d1", "hello there"), new MemoryDocument("d2", "general kenobi")]);
        var search = new RefinedSearch(store, embedder, new GoldlessJudge());
        Assert.Equal(2, (await search.SearchAsync(memory, "hello", 2, new() { Refine = false })).Hits.Count);
        Assert.Single(await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 5).ToListAsync());

        await server.RestartAsync(); // every pooled connection of both data sources is now dead

        Assert.Single(await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 5).ToListAsync());
        Assert.Equal(2, (await search.SearchAsync(memory, "hello", 2, new() { Refine = false })).Hits.Count);
        await store.IngestAsync(memory, [new MemoryDocument("d3", "after the restart")]);
        Assert.Equal(3, (await store.GetCollectionAsync(memory)).Count);
    }

    [Fact]
    public async Task A_server_that_is_down_is_one_clear_error_naming_the_host_and_exit_4_on_the_command_line()
    {
        int port = ClosedPort();
        using var dataSource = PostgresVectorStore.CreateDataSource($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=3");
        var collection = new PostgresVectorStore(dataSource).GetCollection<Guid, Doc>("docs");
        var ex = await Assert.ThrowsAsync<PostgresUnavailableException>(() => collection.CollectionExistsAsync());
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unreachable", ex.Message, StringComparison.Ordinal);

        await using var models = await LoopbackOpenAIServer.StartAsync();
        var cli = await RefineProcess.RunAsync(models.BaseUri, "search", "anything", "--collection", "docs", "--db", $"postgresql://postgres@127.0.0.1:{port}/postgres", "--no-refine", "--embedder", "openai");
        Assert.Equal(4, cli.Code);
        Assert.Contains($"PostgreSQL at 127.0.0.1:{port}/postgres is unreachable", cli.Err, StringComparison.Ordinal);
        Assert.Single(cli.Err.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_statement_past_its_timeout_is_cancelled_with_a_timeout_error_and_the_collection_keeps_working()
    {
        var store = new PostgresVectorStore(server.DataSource, new PostgresCollectionOptions { CommandTimeoutSeconds = 1 });
        var collection = store.GetCollection<Guid, Doc>(PostgresServer.NewName("timeout"));
        await collection.EnsureCollectionExistsAsync();
        var doc = new Doc { Id = Guid.NewGuid(), Text = "kept", Embedding = [0, 1, 0, 0] };
        await collection.UpsertAsync(doc);

        using (var blocker = await server.DataSource.OpenConnectionAsync())
        using (var tx = await blocker.BeginTransactionAsync())
        {
            using (var lockTable = new NpgsqlCommand($"LOCK TABLE \"{collection.Name}\" IN ACCESS EXCLUSIVE MODE", blocker, tx))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            var ex = await Assert.ThrowsAsync<PostgresTimeoutException>(() => collection.UpsertAsync(new Doc { Id = Guid.NewGuid(), Text = "late", Embedding = [1, 0, 0, 0] }));
            Assert.Contains($"Upsert on collection '{collection.Name}' ran past its statement timeout", ex.Message, StringComparison.Ordinal);
            await tx.RollbackAsync();
        }

        var all = await collection.SearchAsync(new float[] { 0, 1, 0, 0 }, 10).ToListAsync();
        Assert.Equal(["kept"], all.Select(h => h.Record.Text)); // the timed-out upsert committed nothing
    }

    [Fact]
    public async Task Killing_an_ingest_loses_nothing_committed_and_reingest_completes()
    {
        await using var models = await LoopbackOpenAIServer.StartAsync();
        models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 32);
        models.Latency = TimeSpan.FromMilliseconds(150);
        string folder = Directory.CreateTempSubdirectory("refine-pg-kill-").FullName;
        string input = Path.Combine(folder, "docs.jsonl");
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, 1280).Select(i => $"{{\"id\": \"d{i}\", \"text\": \"document {i} says something about topic {i % 17}\"}}"));
        string collection = PostgresServer.NewName("kill");

        using (var child = RefineProcess.Start(models.BaseUri, "ingest", input, "--collection", collection, "--db", server.Uri, "--embedder", "openai"))
        {
            var progressed = Task.Run(async () =>
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
            Assert.True(await progressed.WaitAsync(TimeSpan.FromSeconds(90)), "the ingest ended before reporting progress");
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        long committed = await CountAsync("SELECT COUNT(*) FROM public.refine_memory_documents WHERE collection = $1", collection);
        Assert.InRange(committed, 128, 1279);
        Assert.Equal(0, committed % 64); // whole batches of 64 one-chunk documents
        Assert.Equal(committed, await CountAsync("SELECT COUNT(*) FROM public.refine_memory_chunks WHERE collection = $1", collection));

        models.Latency = TimeSpan.Zero;
        using var embedder = new OpenAICompatibleEmbeddingGenerator(new EmbeddingModelSettings(models.BaseUri, "loopback-embedding"));
        using var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString }, embedder);
        var resumed = await store.IngestAsync(collection, await DocumentReader.ReadAsync(input));
        Assert.Equal((committed, 1280 - committed), (resumed.Unchanged, resumed.Added));
        Assert.Equal(1280, (await store.GetCollectionAsync(collection)).Count);
        Directory.Delete(folder, recursive: true);
    }

    private async Task<long> CountAsync(string sql, string collection)
    {
        using var conn = await server.DataSource.OpenConnectionAsync();
        using var cmd = new NpgsqlCommand(sql, conn) { Parameters = { new() { Value = collection } } };
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed: nothing listens there
    }

    /// <summary>Plain searches never call the judge.</summary>
    private sealed class GoldlessJudge : RefineMemory.Judge.IRelevanceJudge
    {
        public Task<RefineMemory.Judge.JudgeResult> JudgeAsync(RefineMemory.Judge.JudgeRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("a plain search called the judge");
    }
}
