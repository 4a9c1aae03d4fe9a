using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RefineMemory.Agents;
using RefineMemory.OpenAI;
using RefineMemory.Search;
using RefineMemory.Testing;
using RefineMemory.UseLite;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// The README's "API in ten lines", run as written: the judge is a real OpenAI-compatible chat client talking to the
/// loopback server (yes/no logprobs from labels), the embedder is USE-Lite (installed by set-up).
/// </summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-readme-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_ten_lines_ingest_refine_and_return_cited_results()
    {
        var ct = CancellationToken.None;
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = (query, text) => text.Contains("refund", StringComparison.OrdinalIgnoreCase);
        var docs = Enumerable.Range(0, 12).Select(i => new Dictionary<string, object?>
        {
            ["id"] = $"doc{i}",
            ["text"] = i % 2 == 0
                ? $"Refunds go back to the original card within {i + 3} business days; a pending refund shows as a credit."
                : $"Our store in district {i} opens at nine and sells garden furniture and outdoor lighting.",
        }).ToArray();

        var services = new ServiceCollection();
        services.AddSingleton<IChatClient>(new OpenAICompatibleChatClient(new ChatModelSettings(server.BaseUri, "loopback-judge")));
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(UseLiteEmbeddingGenerator.Create());
        services.AddSqliteMemoryStore(Path.Combine(_dir, "memory.db"));
        services.AddRefineMemory(o => o.Tools.DefaultCollection = "docs");
        await using var provider = services.BuildServiceProvider();

        var tools = provider.GetRequiredService<RefineMemoryTools>();
        await tools.Ingest.InvokeAsync(new() { ["collection"] = "docs", ["documents"] = docs }, ct);
        var options = new ChatOptions { Tools = [.. tools.All] };
        Assert.Equal(["search", "ingest"], options.Tools.Select(t => t.Name));

        var result = await provider.GetRequiredService<RefinedSearch>().SearchAsync("docs", "refund not showing up", top: 10, cancellationToken: ct);

        Assert.True(result.Diagnostics.Refined, result.Diagnostics.SkippedReason);
        Assert.Equal(12, result.Diagnostics.Judged.Count);
        Assert.True(server.ChatRequests >= 12);
        Assert.All(result.Hits.Take(6), h => Assert.Contains("Refund", h.Text, StringComparison.Ordinal));

        var toolOutput = await tools.Search.InvokeAsync(new() { ["query"] = "refund not showing up", ["top"] = 3 }, ct);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(toolOutput));
        Assert.Equal(3, json.RootElement.GetProperty("results").GetArrayLength());
    }
}
