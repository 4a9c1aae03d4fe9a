using RefineMemory.Embed;
using RefineMemory.Judge;
using RefineMemory.Testing;

namespace RefineMemory.OpenAI.Tests;

public sealed class HydeTests
{
    [Fact]
    public async Task The_hypothetical_document_is_embedded_instead_of_the_query()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Completion = prompt => prompt.Contains("reset my password", StringComparison.Ordinal)
            ? "Open settings, choose security, and click reset password."
            : "unrelated";
        using var chat = new OpenAICompatibleChatClient(new ChatModelSettings(server.BaseUri, "writer"));
        using var embedder = new OpenAICompatibleEmbeddingGenerator(new EmbeddingModelSettings(server.BaseUri, "embedder"));
        var writer = new HydeQueryWriter(chat, new HydeOptions { Seed = 3 });

        var hyde = await writer.EmbedAsync("how do I reset my password", "Find help articles.", embedder);

        Assert.Equal("Open settings, choose security, and click reset password.", Assert.Single(hyde.HypotheticalDocuments));
        float[] expected = LoopbackOpenAIServer.HashedEmbedding(hyde.HypotheticalDocuments[0], 16);
        Assert.Equal(expected, hyde.Vector, (a, b) => Math.Abs(a - b) < 1e-6f);
        var request = Assert.Single(server.ChatLog);
        Assert.Contains("Task: Find help articles.", request.Prompt, StringComparison.Ordinal);
        Assert.Equal((3L, 256), (request.Seed, request.MaxTokens));
    }

    [Fact]
    public async Task Several_documents_and_the_query_are_averaged_to_a_unit_vector()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        int n = 0;
        server.Completion = _ => $"passage number {Interlocked.Increment(ref n)}";
        using var chat = new OpenAICompatibleChatClient(new ChatModelSettings(server.BaseUri, "writer"));
        using var embedder = new OpenAICompatibleEmbeddingGenerator(new EmbeddingModelSettings(server.BaseUri, "embedder"));
        var writer = new HydeQueryWriter(chat, new HydeOptions { Documents = 3, IncludeQuery = true, Temperature = 0.7f });

        var hyde = await writer.EmbedAsync("cats", null, embedder);

        Assert.Equal(3, hyde.HypotheticalDocuments.Count);
        Assert.Equal(3, server.ChatRequests);
        Assert.Equal(1.0, Math.Sqrt(hyde.Vector.Sum(v => (double)v * v)), 5);
        Assert.DoesNotContain("Task:", server.ChatLog[0].Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_hypothetical_document_is_a_malformed_response()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Completion = _ => "  ";
        using var chat = new OpenAICompatibleChatClient(new ChatModelSettings(server.BaseUri, "writer"));

        var error = await Assert.ThrowsAsync<ModelCallException>(() => new HydeQueryWriter(chat).WriteAsync("q"));

        Assert.Equal(ModelCallFailureKind.MalformedResponse, error.Kind);
    }
}
