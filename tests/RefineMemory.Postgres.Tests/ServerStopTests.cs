using Microsoft.Extensions.VectorData;
using Npgsql;
using RefineMemory.Memory;
using RefineMemory.OpenAI;
using RefineMemory.Search;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary>
/// The server stopped or restarted while a search or an ingest is in flight (held there by a table lock, so the
/// timing is the test's, not luck's): a typed error naming the server, and the same store's next call succeeds.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class ServerStopTests(PostgresServer server) : IAsyncLifetime
{
    private const string Secret = "hunter2-not-shown";
    private LoopbackOpenAIServer _models = null!;
    private OpenAICompatibleEmbeddingGenerator _embedder = null!;

    public async Task InitializeAsync()
    {
        _models = await LoopbackOpenAIServer.StartAsync();
        _models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 16);
        _embedder = new OpenAICompatibleEmbeddingGenerator(new EmbeddingModelSettings(_models.BaseUri, "loopback-embedding"));
    }

    public async Task DisposeAsync()
    {
        _embedder.Dispose();
        await _models.DisposeAsync();
    }

    [Fact]
    public async Task A_server_stopped_during_a_search_is_a_typed_error_naming_it_and_the_same_store_searches_once_it_is_back()
    {
        // A password in the connection string (trust authentication ignores it) must appear in no message.
        using var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString + $";Password={Secret}", LockTimeout = TimeSpan.FromMinutes(1) }, _embedder);
        string collection = PostgresServer.NewName("stop");
        await store.IngestAsync(collection, Documents(0, 10));
        var search = new RefinedSearch(store, _embedder, new NoJudge());

        Task<RefinedSearchResult> inFlight;
        using (var blocker = await LockAsync("refine_memory_chunks"))
        {
            inFlight = search.SearchAsync(collection, "refunds", 5, new() { Refine = false });
            await WaitForLockWaiterAsync();
            await server.StopAsync();
        }

        var ex = await Assert.ThrowsAnyAsync<VectorStoreException>(() => inFlight);
        Assert.True(ex is PostgresUnavailableException or PostgresRefusedException, ex.ToString());
        Assert.Contains($"PostgreSQL at 127.0.0.1:{server.Port}/postgres", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);

        await StartAsync();
        Assert.Equal(5, (await search.SearchAsync(collection, "refunds", 5, new() { Refine = false })).Hits.Count);
    }

    [Fact]
    public async Task A_server_restarted_during_an_ingest_costs_nothing_committed_and_the_same_store_ingests_the_rest()
    {
        using var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString }, _embedder);
        string collection = PostgresServer.NewName("restart");
        await store.IngestAsync(collection, Documents(0, 10));

        Task<IngestResult> inFlight;
        using (var blocker = await LockAsync("refine_memory_documents"))
        {
            inFlight = store.IngestAsync(collection, Documents(0, 30));
            await WaitForLockWaiterAsync();
            await server.RestartAsync();
        }

        // The retry on a fresh connection may find the server back (then the ingest completes) or still coming up.
        try
        {
            Assert.Equal(20, (await inFlight).Added);
        }
        catch (VectorStoreException ex)
        {
            Assert.True(ex is PostgresUnavailableException or PostgresRefusedException, ex.ToString());
            Assert.Contains($"PostgreSQL at 127.0.0.1:{server.Port}/postgres", ex.Message, StringComparison.Ordinal);
        }

        server.DataSource.Clear();
        var resumed = await store.IngestAsync(collection, Documents(0, 30));
        Assert.Equal(30, resumed.Added + resumed.Unchanged);
        Assert.Equal(30, (await store.GetCollectionAsync(collection)).Count);
        Assert.Equal(30L, await server.ScalarAsync<long>("SELECT COUNT(*) FROM public.refine_memory_chunks WHERE collection = $1", collection));
    }

    [Fact]
    public async Task Refine_search_with_the_server_stopped_under_it_exits_4_in_one_line_without_the_password()
    {
        string collection = PostgresServer.NewName("stopcli");
        using (var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = server.ConnectionString }, _embedder))
        {
            await store.IngestAsync(collection, Documents(0, 10));
        }

        (int Code, string Out, string Err) run;
        Task<(int Code, string Out, string Err)> child;
        using (var blocker = await LockAsync("refine_memory_chunks"))
        {
            child = RefineProcess.RunAsync(_models.BaseUri, "search", "refunds", "--collection", collection, "--no-refine", "--embedder", "openai",
                "--db", server.UriFor("postgres", password: Secret) + "?options=-c%20lock_timeout%3D60s");
            await WaitForLockWaiterAsync();
            await server.StopAsync();
        }

        run = await child;
        await StartAsync();
        Assert.True(run.Code == 4, $"exit {run.Code}: {run.Err}");
        Assert.Single(run.Err.Trim().Split('\n'));
        Assert.StartsWith($"refine: error: PostgreSQL at 127.0.0.1:{server.Port}/postgres", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Err + run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refine_ingest_with_the_server_shutting_down_under_it_exits_4_in_one_line_and_a_second_run_completes()
    {
        string collection = PostgresServer.NewName("stopingest");
        string input = Path.Combine(Path.GetTempPath(), $"wt26-{collection}.jsonl");
        await File.WriteAllLinesAsync(input, Documents(0, 40).Select(d => System.Text.Json.JsonSerializer.Serialize(new { id = d.Id, text = d.Text })));
        string db = server.UriFor("postgres", password: Secret);
        Assert.Equal(0, (await RefineProcess.RunAsync(_models.BaseUri, "ingest", input, "--collection", collection, "--db", db, "--embedder", "openai")).Code);
        await File.AppendAllLinesAsync(input, Documents(40, 10).Select(d => System.Text.Json.JsonSerializer.Serialize(new { id = d.Id, text = d.Text })));

        Task<(int Code, string Out, string Err)> child;
        using (var blocker = await LockAsync("refine_memory_documents"))
        {
            child = RefineProcess.RunAsync(_models.BaseUri, "ingest", input, "--collection", collection, "--db", db, "--embedder", "openai");
            await WaitForLockWaiterAsync();
            await server.StopAsync();
        }

        var run = await child;
        await StartAsync();
        Assert.True(run.Code == 4, $"exit {run.Code}: {run.Err}");
        Assert.Single(run.Err.Split('\n'), l => l.StartsWith("refine:", StringComparison.Ordinal));
        Assert.Contains($"refine: error: PostgreSQL at 127.0.0.1:{server.Port}/postgres", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Err + run.Out, StringComparison.Ordinal);

        var again = await RefineProcess.RunAsync(_models.BaseUri, "ingest", input, "--collection", collection, "--db", db, "--embedder", "openai");
        Assert.True(again.Code == 0, again.Err);
        Assert.StartsWith($"{collection}: 10 added, 0 updated, 40 unchanged;", again.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, again.Out + again.Err, StringComparison.Ordinal);
        File.Delete(input);
    }

    private static MemoryDocument[] Documents(int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => new MemoryDocument($"d{i}", $"note {i} about refunds and topic {i % 3}"))];

    private async Task<Blocker> LockAsync(string table)
    {
        var conn = await server.DataSource.OpenConnectionAsync();
        using var cmd = new NpgsqlCommand($"BEGIN; LOCK TABLE public.{table} IN ACCESS EXCLUSIVE MODE", conn);
        await cmd.ExecuteNonQueryAsync();
        return new Blocker(conn);
    }

    /// <summary>The session holding the lock; the server it was on has gone, so closing it (a ROLLBACK) may fail.</summary>
    private sealed class Blocker(NpgsqlConnection conn) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                conn.Dispose();
            }
            catch (NpgsqlException)
            {
                // Terminated by the stop or restart under test: nothing left to release.
            }
        }
    }

    // Until another session waits for the lock: then the call under test is in flight in the server.
    private async Task WaitForLockWaiterAsync()
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (await server.ScalarAsync<long>("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") > 0)
            {
                return;
            }
        }

        throw new TimeoutException("no session waited for the lock within 60 s");
    }

    private async Task StartAsync()
    {
        await server.StartAsync();
        server.DataSource.Clear(); // its pooled connections died with the server
    }

    private sealed class NoJudge : RefineMemory.Judge.IRelevanceJudge
    {
        public Task<RefineMemory.Judge.JudgeResult> JudgeAsync(RefineMemory.Judge.JudgeRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("a plain search called the judge");
    }
}
