using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// <c>refine mcp</c> spawned over stdio and driven by the MCP client of the same package; the judge and the
/// embedder are the loopback OpenAI-compatible server.
/// </summary>
public sealed class McpServerTests
{
    [Fact]
    public async Task The_mcp_server_lists_its_tools_ingests_searches_with_citations_and_reports_bad_arguments()
    {
        using var db = new TempDatabase();
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 64);
        server.Labels = (_, text) => text.Contains("capital", StringComparison.Ordinal);

        var options = new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = [RefineCli.DllPath, "mcp", "--db", db.Path, "--collection", "facts", "--embedder", "openai"],
            EnvironmentVariables = RefineCli.LoopbackEnvironment(server.BaseUri),
            Name = "refine-mcp",
        };
        await using var client = await McpClient.CreateAsync(new StdioClientTransport(options));

        var tools = await client.ListToolsAsync();
        Assert.Equal(["ingest", "search"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        var searchSchema = tools.Single(t => t.Name == "search").JsonSchema;
        Assert.Equal(["query"], searchSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));

        var documents = Enumerable.Range(0, 12).Select(i => new Dictionary<string, object>
        {
            ["id"] = $"f{i}",
            ["text"] = i % 3 == 0 ? $"City number {i} is the capital of land {i}." : $"River number {i} flows to sea {i}.",
            ["source"] = $"https://example.org/facts/{i}",
        }).ToArray();
        var ingested = await client.CallToolAsync("ingest", new Dictionary<string, object?> { ["documents"] = documents });
        Assert.True(ingested.IsError != true, Text(ingested));
        Assert.Equal(12, JsonDocument.Parse(Text(ingested)).RootElement.GetProperty("added").GetInt32());

        var found = await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "which city is a capital", ["top"] = 4 });
        Assert.True(found.IsError != true, Text(found));
        var json = JsonDocument.Parse(Text(found)).RootElement;
        Assert.True(json.GetProperty("refined").GetBoolean(), json.ToString());
        var results = json.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(4, results.Length);
        Assert.All(results, r => Assert.StartsWith("https://example.org/facts/", r.GetProperty("source").GetString(), StringComparison.Ordinal));
        Assert.Equal(12, server.ChatRequests); // the judge saw every chunk (fewer than 20)

        var bad = await client.CallToolAsync("search", new Dictionary<string, object?> { ["top"] = 0 });
        Assert.Equal(true, bad.IsError);
        Assert.Contains("'query' is missing", Text(bad), StringComparison.Ordinal);
        var missing = await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "x", ["collection"] = "nope" });
        Assert.Equal(true, missing.IsError);
        Assert.Contains("Collection 'nope' does not exist", Text(missing), StringComparison.Ordinal);
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
