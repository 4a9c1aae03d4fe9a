using System.Net;
using System.Text.Json;
using RefineMemory.Testing;
using static RefineMemory.Serve.Tests.ServeTestData;

namespace RefineMemory.Serve.Tests;

/// <summary><c>refine serve</c> as a team runs it: MCP over streamable HTTP with the SDK's own client, and the API the page reads.</summary>
public sealed class ServeTests
{
    [Fact]
    public async Task Mcp_over_http_initializes_lists_the_tools_ingests_and_answers_a_refined_search()
    {
        await using var models = await ModelsAsync();
        await using var serve = await ServeProcess.StartAsync(models, arguments: ["--collection", "docs"]);
        await using var client = await McpClientAsync(serve);

        Assert.Equal("refine-memory", client.ServerInfo?.Name);
        var tools = await client.ListToolsAsync();
        Assert.Equal(["ingest", "search"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        await IngestRefundsAsync(client);

        var found = await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "refund not showing up", ["top"] = 4 });
        Assert.True(found.IsError != true, Text(found));
        var json = JsonDocument.Parse(Text(found)).RootElement;
        Assert.True(json.GetProperty("refined").GetBoolean(), json.ToString());
        Assert.Equal(12, json.GetProperty("judged").GetInt32());
        Assert.Equal(12, models.ChatRequests); // the judge is the configured chat model, one call per document
        Assert.All(json.GetProperty("results").EnumerateArray(), r => Assert.Contains("refund", r.GetProperty("text").GetString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Requests_without_or_with_a_wrong_token_get_401_and_the_health_check_answers_only_ok()
    {
        await using var models = await ModelsAsync();
        await using var serve = await ServeProcess.StartAsync(models);

        using var anonymous = serve.Client(token: null);
        using var wrong = serve.Client("wrong-token-0123456789abcdef");
        foreach (var http in new[] { anonymous, wrong })
        {
            using var mcp = await http.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Unauthorized, mcp.StatusCode);
            Assert.Equal("Bearer", mcp.Headers.WwwAuthenticate.Single().Scheme);
            using var api = await http.GetAsync("/api/collections");
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        }

        await Assert.ThrowsAnyAsync<Exception>(async () => await McpClientAsync(serve, token: null));
        using var health = await anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", await health.Content.ReadAsStringAsync());
        Assert.DoesNotContain(health.Headers, h => h.Key is "Server" or "X-Powered-By");

        using var page = await anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode); // the page's files hold no data; what it shows needs the token
        using var collections = await serve.Client().GetAsync("/api/collections");
        Assert.Equal(HttpStatusCode.OK, collections.StatusCode);
    }

    [Fact]
    public async Task A_burst_beyond_the_client_limit_gets_429_and_the_rest_are_answered()
    {
        await using var models = await ModelsAsync();
        await using var serve = await ServeProcess.StartAsync(models, arguments: ["--max-concurrent", "1", "--max-queue", "1"]);
        using var http = serve.Client();
        await using (var client = await McpClientAsync(serve))
        {
            await IngestRefundsAsync(client);
        }

        models.Latency = TimeSpan.FromMilliseconds(300);
        var burst = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => SearchAsync(http, "refund not showing up")));
        var codes = burst.Select(r => r.StatusCode).ToArray();
        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
        Assert.Contains(HttpStatusCode.OK, codes);
        Assert.All(codes, c => Assert.True(c is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, c.ToString()));
        var rejected = burst.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(rejected.Headers.RetryAfter);
    }

    [Fact]
    public async Task Fifty_concurrent_mcp_searches_from_five_clients_are_all_answered()
    {
        await using var models = await ModelsAsync();
        await using var serve = await ServeProcess.StartAsync(models, arguments: ["--collection", "docs"]);
        var clients = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => McpClientAsync(serve)));
        try
        {
            await IngestRefundsAsync(clients[0]);
            models.Latency = TimeSpan.FromMilliseconds(20);
            var calls = Enumerable.Range(0, 50).Select(i => clients[i % 5].CallToolAsync("search", new Dictionary<string, object?> { ["query"] = $"refund question {i}", ["top"] = 3 }).AsTask());
            var results = await Task.WhenAll(calls);
            Assert.All(results, r => Assert.True(r.IsError != true, Text(r)));
            Assert.All(results, r => Assert.Equal(3, JsonDocument.Parse(Text(r)).RootElement.GetProperty("results").GetArrayLength()));
            Assert.Equal(50, results.Select(r => JsonDocument.Parse(Text(r)).RootElement.GetProperty("query").GetString()).Distinct().Count());
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        await using var models = await ModelsAsync();
        await using var serve = await ServeProcess.StartAsync(models, arguments: ["--max-body-bytes", "4096"]);
        using var http = serve.Client();
        using var response = await SearchAsync(http, new string('x', 10_000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var small = await SearchAsync(http, "refund", "missing");
        Assert.Equal(HttpStatusCode.BadRequest, small.StatusCode);
        Assert.Contains("missing", (await JsonAsync(small)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
