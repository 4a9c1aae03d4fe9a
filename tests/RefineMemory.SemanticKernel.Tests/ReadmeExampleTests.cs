using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using RefineMemory.Testing;

namespace RefineMemory.SemanticKernel.Tests;

/// <summary>
/// The README's first example, run as written: a Kernel with SK's OpenAI connector (pointed at the loopback server,
/// which plays a tool-calling model and answers judge prompts from labels), the default embedder (arctic-embed-xs, shipped in a NuGet package)
/// and the RefineMemory plugin; the model calls memory search through automatic function calling.
/// </summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-sk-readme-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_semantic_kernel_example_answers_with_refined_results()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = RefundDocuments.Labels;
        server.Script = LoopbackAgentScript.CallToolThenAnswer("search", """{"query":"refund not showing up","top":3}""");
        (Uri endpoint, string apiKey, string dbPath, var docs) = (server.BaseUri, "test-key", Path.Combine(_dir, "memory.db"), RefundDocuments.ForIngest());

        // README snippet: begin
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatClient("gpt-4o-mini", endpoint, apiKey);                       // the agent's model, also the judge
        builder.Services.AddPretrainedEmbeddingGenerator();                                  // arctic-embed-xs (RefineMemory.Onnx), as `refine ingest`
        builder.Services.AddSqliteMemoryStore(dbPath);                                       // the memory: a SQLite file (RefineMemory.Sqlite)
        builder.AddRefineMemory(o => o.Tools.DefaultCollection = "docs");
        Kernel kernel = builder.Build();

        await kernel.InvokeAsync("memory", "ingest", new() { ["documents"] = docs });      // or: refine ingest ./docs --db memory.db
        var settings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        var answer = await kernel.InvokePromptAsync("When will my refund show up?", new(settings));
        // README snippet: end

        string text = answer.ToString();
        Assert.StartsWith(LoopbackAgentScript.AnswerPrefix, text, StringComparison.Ordinal);
        using var functionResult = JsonDocument.Parse(text[LoopbackAgentScript.AnswerPrefix.Length..]);
        Assert.True(functionResult.RootElement.GetProperty("refined").GetBoolean());
        Assert.All(functionResult.RootElement.GetProperty("results").EnumerateArray(), r => Assert.StartsWith("Refunds go back", r.GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.Equal(12, server.ChatLog.Count(r => r.Judge is not null && r.LogprobsRequested));
    }
}
