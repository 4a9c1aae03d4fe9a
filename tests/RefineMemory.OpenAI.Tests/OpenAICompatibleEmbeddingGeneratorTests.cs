using Microsoft.Extensions.AI;
using RefineMemory.Judge;
using RefineMemory.Testing;

namespace RefineMemory.OpenAI.Tests;

public sealed class OpenAICompatibleEmbeddingGeneratorTests
{
    [Fact]
    public async Task Embeds_in_batches_in_input_order_with_usage()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        using var generator = new OpenAICompatibleEmbeddingGenerator(new EmbeddingModelSettings(server.BaseUri, "embedder") { MaxBatchSize = 2 });
        string[] inputs = ["alpha beta", "gamma", "delta epsilon zeta", "eta", "theta"];

        var result = await generator.GenerateAsync(inputs);

        Assert.Equal(3, server.EmbeddingRequests);
        Assert.Equal(inputs.Length, result.Count);
        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(LoopbackOpenAIServer.HashedEmbedding(inputs[i], 16), result[i].Vector.ToArray());
        }

        Assert.Equal(8, result.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Requests_dimensions_and_rejects_empty_inputs_naming_the_index()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        using var generator = new OpenAICompatibleEmbeddingGenerator(new EmbeddingModelSettings(server.BaseUri, "embedder"));

        var shortened = await generator.GenerateAsync(["one two"], new EmbeddingGenerationOptions { Dimensions = 4 });
        Assert.Equal(4, shortened[0].Vector.Length);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["ok", ""]));
        Assert.Contains("Input 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_a_typed_error()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var generator = new OpenAICompatibleEmbeddingGenerator(new EmbeddingModelSettings(new Uri($"http://127.0.0.1:{port}/v1"), "e"));

        var error = await Assert.ThrowsAsync<ModelCallException>(() => generator.GenerateAsync(["x"]));

        Assert.Equal(ModelCallFailureKind.Unreachable, error.Kind);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }
}
