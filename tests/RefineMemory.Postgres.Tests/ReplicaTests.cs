using System.Text.Json;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Search;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary>
/// A primary and a streaming standby behind one multi-host <c>--db</c>: searches run on the standby, an ingest waits
/// until the standby has replayed it (read-your-writes), and one store (as a long-running <c>refine mcp</c> holds it)
/// rides out a standby stopping, the primary stopping (searches answer, ingests fail as documented, nothing
/// half-written) and the standby's promotion (the next ingest succeeds), without being recreated.
/// </summary>
public sealed class ReplicaTests(PostgresReplicaPair pair) : IClassFixture<PostgresReplicaPair>
{
    private const int D = 32;
    private static readonly string[] Topics = ["refunds", "shipping", "passwords", "invoices"];

    private static MemoryDocument[] Documents(int from, int count) => [.. Enumerable.Range(from, count).Select(i =>
        new MemoryDocument($"d{i}", $"note {i} about {Topics[i % Topics.Length]} item{i}", null, new Dictionary<string, string>()))];

    /// <summary>Relevant: the fresh note and the notes about refunds.</summary>
    private static GoldJudge Judge() => new((query, id) =>
        id.StartsWith("fresh", StringComparison.Ordinal)
            || (id[0] == 'd' && int.Parse(id[1..id.IndexOf('#')], System.Globalization.CultureInfo.InvariantCulture) % Topics.Length == 0) ? 1f : 0f);

    private static Task<long> SearchStatementsOn(int port) => PostgresReplicaPair.ScalarAsync<long>(port,
        "SELECT COALESCE(SUM(calls), 0)::bigint FROM pg_stat_statements WHERE query LIKE '%<=>%' AND query NOT LIKE '%pg_stat_statements%'");

    [Fact]
    public async Task Searches_go_to_the_standby_ingests_wait_for_it_and_one_store_rides_out_failover()
    {
        var embedder = new WordVectorEmbedder(D);
        using var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = pair.ConnectionString }, embedder);
        var search = new RefinedSearch(store, embedder, Judge());

        // An ingest through both servers goes to the primary and returns once the standby has replayed it.
        var first = await store.IngestAsync("live", Documents(0, 40));
        Assert.Equal(40, first.Added);
        Assert.NotNull(first.Replication);
        Assert.True(first.Replication!.CaughtUp, $"{first.Replication}");
        Assert.Equal(1, first.Replication.Standbys);

        // The agents' ingest tool (refine mcp's) waits the same way and says so.
        var tool = new RefineMemory.Agents.IngestFunction(store, new RefineMemory.Agents.RefineMemoryToolOptions(), new IngestOptions());
        var answer = (System.Text.Json.JsonElement)(await tool.InvokeAsync(new Microsoft.Extensions.AI.AIFunctionArguments(new Dictionary<string, object?>
        {
            ["collection"] = "live",
            ["documents"] = System.Text.Json.JsonSerializer.SerializeToElement(new[] { new { id = "tool-note", text = "a note about invoices written by the tool" } }),
        })))!;
        Assert.Equal(1, answer.GetProperty("standbys").GetProperty("count").GetInt32());
        Assert.Equal(1, answer.GetProperty("standbys").GetProperty("replayed").GetInt32());

        // Searches run on the standby; right after an ingest they see what it wrote (read-your-writes).
        long before = await SearchStatementsOn(pair.StandbyPort);
        var second = await store.IngestAsync("live", [new MemoryDocument("fresh", "a freshly written note about refunds and parcels", null, new Dictionary<string, string>())]);
        Assert.True(second.Replication!.CaughtUp);
        var found = await search.SearchAsync("live", "freshly written note about refunds", 5);
        Assert.Contains("fresh#0", found.Hits.Select(h => h.Id));
        Assert.True(found.Diagnostics.Refined, found.Diagnostics.SkippedReason);
        Assert.True(await SearchStatementsOn(pair.StandbyPort) > before, "the search statements should have run on the standby");
        Assert.Equal(42, (await store.GetCollectionAsync("live")).Count);

        // Standby down: the same store answers from the primary.
        await pair.StopAsync("standby");
        Assert.Equal("fresh#0", (await search.SearchAsync("live", "freshly written note about refunds", 5, new() { Refine = false })).Hits[0].Id);
        await pair.StartAsync("standby");

        // Primary down: searches answer from the standby; an ingest is the typed error and writes nothing.
        await pair.StopAsync("primary");
        Assert.Equal("fresh#0", (await search.SearchAsync("live", "freshly written note about refunds", 5, new() { Refine = false })).Hits[0].Id);
        var refused = await Assert.ThrowsAsync<PostgresNoWritableServerException>(() => store.IngestAsync("live", Documents(100, 5)));
        Assert.Contains("no writable server", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{pair.PrimaryPort},127.0.0.1:{pair.StandbyPort}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(42, (await store.GetCollectionAsync("live")).Count);

        // The standby promoted: the next ingest through the same store writes to it, at once (no restart, no wait for
        // the remembered "standby" state to expire).
        await pair.PromoteStandbyAsync();
        var afterFailover = await store.IngestAsync("live", Documents(100, 5));
        Assert.Equal(5, afterFailover.Added);
        Assert.Null(afterFailover.Replication); // the new primary streams to no standby
        Assert.Equal(47, (await store.GetCollectionAsync("live")).Count);
    }
}

/// <summary>The command line over a primary and a standby: ingest waits for the standby, and with the primary stopped a refined search still answers from the standby while an ingest exits 4.</summary>
public sealed class ReplicaCommandLineTests(PostgresReplicaPair pair) : IClassFixture<PostgresReplicaPair>, IAsyncLifetime
{
    private string _folder = "";

    public Task InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("refine-pg-replica-cli-").FullName;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Refine_search_answers_refined_from_the_standby_while_the_primary_is_stopped()
    {
        await using var models = await LoopbackOpenAIServer.StartAsync();
        models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 32);
        models.Labels = (query, text) => text.Contains("refunds", StringComparison.Ordinal);
        string input = Path.Combine(_folder, "docs.jsonl");
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, 60).Select(i => JsonSerializer.Serialize(new { id = $"d{i}", text = $"note {i} about {(i % 3 == 0 ? "refunds" : "shipping")} item{i}" })));

        var ingest = await RefineProcess.RunAsync(models.BaseUri, "ingest", input, "--collection", "notes", "--db", pair.Uri, "--embedder", "openai");
        Assert.True(ingest.Code == 0, ingest.Err);
        Assert.Contains("60 added", ingest.Out, StringComparison.Ordinal);
        Assert.Contains("standbys: 1 of 1 replayed the ingest", ingest.Out, StringComparison.Ordinal);

        await pair.StopAsync("primary");
        long before = await PostgresReplicaPair.ScalarAsync<long>(pair.StandbyPort, "SELECT COALESCE(SUM(calls), 0)::bigint FROM pg_stat_statements WHERE query LIKE '%<=>%'");
        var search = await RefineProcess.RunAsync(models.BaseUri, "search", "notes about refunds", "--collection", "notes", "--db", pair.Uri, "--embedder", "openai", "--json");
        Assert.True(search.Code == 0, search.Err);
        var tool = JsonDocument.Parse(search.Out).RootElement.GetProperty("tool");
        Assert.True(tool.GetProperty("refined").GetBoolean(), search.Out);
        Assert.NotEmpty(tool.GetProperty("results").EnumerateArray());
        Assert.True(await PostgresReplicaPair.ScalarAsync<long>(pair.StandbyPort, "SELECT COALESCE(SUM(calls), 0)::bigint FROM pg_stat_statements WHERE query LIKE '%<=>%'") > before);

        var refused = await RefineProcess.RunAsync(models.BaseUri, "ingest", input, "--collection", "notes", "--db", $"postgresql://postgres:s3cret-pw@127.0.0.1:{pair.PrimaryPort},127.0.0.1:{pair.StandbyPort}/postgres", "--embedder", "openai");
        Assert.True(refused.Code == 4, $"exit {refused.Code}: {refused.Err}");
        Assert.Contains("no writable server", refused.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", refused.Err + refused.Out, StringComparison.Ordinal);
        Assert.Single(refused.Err.Trim().Split('\n'));
        await pair.StartAsync("primary");
    }
}
