using Npgsql;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary>
/// A long-running <c>refine mcp</c> over PostgreSQL returns what it takes: over 1,000 refined searches its resident
/// memory after the first 100 and after all 1,000 differ by under 10 %, and neither its open file descriptors nor its
/// backend connections (<c>pg_stat_activity</c> of a database of its own) grow.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class McpResourceTests(PostgresServer server)
{
    [Fact]
    public async Task A_thousand_refined_searches_leave_memory_within_10_percent_and_descriptors_and_connections_flat()
    {
        string database = "soak_" + Guid.NewGuid().ToString("N")[..8];
        await using (var create = server.DataSource.CreateCommand($"CREATE DATABASE {database}"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var models = await LoopbackOpenAIServer.StartAsync();
        models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 64);
        models.Labels = RefundDocuments.Labels;
        var environment = new Dictionary<string, string?>
        {
            ["REFINE_CHAT_ENDPOINT"] = models.BaseUri.ToString(),
            ["REFINE_CHAT_MODEL"] = "loopback-judge",
            ["REFINE_CHAT_API_KEY"] = "test-key",
            ["REFINE_EMBEDDING_ENDPOINT"] = models.BaseUri.ToString(),
            ["REFINE_EMBEDDING_MODEL"] = "loopback-embedding",
        };
        string dll = BuiltProgram.DllPath(Path.Combine("src", "RefineMemory.Cli"), "refine");
        string uri = $"postgresql://postgres@127.0.0.1:{server.Port}/{database}";
        await using (var mcp = await McpStdioProcess.StartAsync(dll, Soak.Environment(environment), "mcp", "--db", uri, "--collection", "docs", "--embedder", "openai"))
        {
            await mcp.CallToolAsync("ingest", new { documents = RefundDocuments.ForIngest() });
            var samples = await Soak.RunAsync(mcp, i => new { query = $"refund question {i}", top = 3 }, () => ConnectionsAsync(database));
            Soak.AssertFlat(samples);
        }

        Assert.Equal(1000 * RefundDocuments.All.Count, models.ChatRequests);
        NpgsqlConnection.ClearAllPools();
        await using var drop = server.DataSource.CreateCommand($"DROP DATABASE {database} WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }

    private async Task<int> ConnectionsAsync(string database)
    {
        await using var count = server.DataSource.CreateCommand("SELECT count(*)::int FROM pg_stat_activity WHERE datname = $1");
        count.Parameters.Add(new() { Value = database });
        return (int)(await count.ExecuteScalarAsync())!;
    }
}
