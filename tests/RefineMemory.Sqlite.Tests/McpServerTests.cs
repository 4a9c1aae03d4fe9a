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
            Arguments = [RefineCli.DllPath, "mcp", "--db", db.Path, "--collection", "facts", "--embedder", "openai", "--allow-path", db.Folder],
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

        string folder = Path.Combine(db.Folder, "notes");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "capitals.md"), "# Capitals\nRome is the capital of Italy.\n## More\nMadrid is the capital of Spain.");
        var fromPath = await client.CallToolAsync("ingest", new Dictionary<string, object?> { ["path"] = folder, ["collection"] = "notes" });
        Assert.True(fromPath.IsError != true, Text(fromPath));
        Assert.Equal(2, JsonDocument.Parse(Text(fromPath)).RootElement.GetProperty("chunks").GetInt32());

        var bad = await client.CallToolAsync("search", new Dictionary<string, object?> { ["top"] = 0 });
        Assert.Equal(true, bad.IsError);
        Assert.Contains("'query' is missing", Text(bad), StringComparison.Ordinal);
        var missing = await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "x", ["collection"] = "nope" });
        Assert.Equal(true, missing.IsError);
        Assert.Contains("Collection 'nope' does not exist", Text(missing), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_lines_and_nameless_calls_get_json_rpc_errors_and_the_server_exits_when_stdin_closes()
    {
        using var db = new TempDatabase();
        await using var server = await LoopbackOpenAIServer.StartAsync();
        var info = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in (string[])[RefineCli.DllPath, "mcp", "--db", db.Path, "--no-refine", "--embedder", "openai"])
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in RefineCli.LoopbackEnvironment(server.BaseUri))
        {
            info.Environment[k] = v;
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        await process.StandardInput.WriteLineAsync("this is not json");
        await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"arguments":{}}}""");
        await process.StandardInput.FlushAsync();

        var replies = new Dictionary<string, JsonElement>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (replies.Count < 3 && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var reply = JsonDocument.Parse(line).RootElement.Clone();
            replies[reply.GetProperty("id").ToString()] = reply;
        }

        Assert.Equal(-32700, replies[""].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, replies[""].GetProperty("id").ValueKind);
        Assert.Equal(-32602, replies["2"].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("params.name", replies["2"].GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(replies["1"].TryGetProperty("result", out _));

        process.StandardInput.Close(); // the client goes away
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
