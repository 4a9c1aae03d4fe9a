using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using RefineMemory.Agents;
using RefineMemory.Testing;

namespace RefineMemory.SemanticKernel.Tests;

/// <summary>
/// A real Kernel with SK's OpenAI connector, pointed at the loopback server: the model calls the plugin through
/// automatic function calling, the plugin's judge calls reach the same server asking for logprobs and offering no
/// tools, and the refined results come back as the function result and into the final answer.
/// </summary>
public sealed class KernelPluginTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-sk-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_model_calls_the_plugin_and_the_answer_carries_the_results_refined_by_the_kernels_own_model(bool chatCompletionService)
    {
        var ct = CancellationToken.None;
        await using var server = await LoopbackOpenAIServer.StartAsync(ct);
        server.Labels = RefundDocuments.Labels;
        server.Script = LoopbackAgentScript.CallToolThenAnswer("search", """{"query":"refund not showing up","top":3}""");
        var builder = LoopbackKernel.CreateBuilder(server, chatCompletionService);
        builder.Services.AddSqliteMemoryStore(Path.Combine(_dir, "memory.db"));
        builder.AddRefineMemory(o => o.Tools.DefaultCollection = "docs");
        var kernel = builder.Build();
        await kernel.InvokeAsync("memory", "ingest", new KernelArguments { ["documents"] = RefundDocuments.ForIngest() }, ct);

        var settings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        string answer = (await kernel.InvokePromptAsync("When will my refund show up?", new KernelArguments(settings), cancellationToken: ct)).ToString();

        Assert.StartsWith(LoopbackAgentScript.AnswerPrefix, answer, StringComparison.Ordinal);
        using var functionResult = JsonDocument.Parse(answer[LoopbackAgentScript.AnswerPrefix.Length..]);
        var root = functionResult.RootElement;
        Assert.True(root.GetProperty("refined").GetBoolean());
        Assert.Equal(12, root.GetProperty("judged").GetInt32());
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.StartsWith("Refunds go back", r.GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.All(results, r => Assert.True(r.TryGetProperty("rank_before", out _)));

        var judgeCalls = server.ChatLog.Where(r => r.Judge is not null).ToList();
        Assert.Equal(12, judgeCalls.Count);
        Assert.All(judgeCalls, r => Assert.True(r.LogprobsRequested, "every judge call asks for logprobs"));
        Assert.All(judgeCalls, r => Assert.Equal(5, r.TopLogprobs));
        var judgeBodies = server.ChatBodies.Where(LoopbackAgentScript.IsJudgePrompt).ToList();
        Assert.All(judgeBodies, b => Assert.False(b.TryGetProperty("tools", out _), "a judge call must not offer the kernel's tools"));
        Assert.All(judgeBodies, b => Assert.False(b.TryGetProperty("tool_choice", out _)));
        Assert.Equal(2, server.ChatBodies.Count(b => b.TryGetProperty("tools", out _)));
    }

    [Fact]
    public void The_plugin_collection_extension_adds_search_and_ingest_under_one_name()
    {
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(new HashedEmbeddingGenerator());
        services.AddSingleton<Microsoft.Extensions.AI.IChatClient>(new UnusedChatClient());
        services.AddSqliteMemoryStore(Path.Combine(_dir, "plain.db"));
        services.AddRefineMemory();
        using var provider = services.BuildServiceProvider();
        var kernel = new Kernel(provider);

        var plugin = kernel.Plugins.AddRefineMemory(provider.GetRequiredService<RefineMemoryTools>(), "notes");

        Assert.Same(plugin, kernel.Plugins["notes"]);
        Assert.Equal(["search", "ingest"], plugin.Select(f => f.Name));
        Assert.Contains("query", plugin["search"].Metadata.Parameters.Select(p => p.Name));
        Assert.Throws<ArgumentException>(() => kernel.Plugins.AddRefineMemory(provider.GetRequiredService<RefineMemoryTools>(), " "));
    }
}
