using System.Net.Http.Json;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using RefineMemory.Testing;

namespace RefineMemory.Serve.Tests;

/// <summary>What the serve tests share: the loopback models set up for the refund documents, and MCP clients over HTTP.</summary>
internal static class ServeTestData
{
    public static async Task<LoopbackOpenAIServer> ModelsAsync()
    {
        var models = await LoopbackOpenAIServer.StartAsync();
        models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 64);
        models.Labels = RefundDocuments.Labels;
        return models;
    }

    public static Task<McpClient> McpClientAsync(ServeProcess serve, string? token = ServeProcess.Token)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(serve.BaseUri, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            Name = "refine-serve",
            AdditionalHeaders = token is null ? null : new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        };
        return McpClient.CreateAsync(new HttpClientTransport(options));
    }

    /// <summary>Ingests the twelve refund documents into <paramref name="collection"/> through the MCP ingest tool.</summary>
    public static async Task IngestRefundsAsync(McpClient client, string collection = "docs")
    {
        var result = await client.CallToolAsync("ingest", new Dictionary<string, object?> { ["documents"] = RefundDocuments.ForIngest(), ["collection"] = collection });
        Assert.True(result.IsError != true, Text(result));
    }

    public static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    public static Task<HttpResponseMessage> SearchAsync(HttpClient http, string query, string collection = "docs") =>
        http.PostAsJsonAsync("/api/search", new { query, collection });

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
