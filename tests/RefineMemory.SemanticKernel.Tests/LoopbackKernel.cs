using System.ClientModel;
using Microsoft.SemanticKernel;
using OpenAI;
using RefineMemory.Testing;

namespace RefineMemory.SemanticKernel.Tests;

/// <summary>Kernels wired the way users wire them (SK's own OpenAI connector), pointed at the loopback server.</summary>
internal static class LoopbackKernel
{
    public const string Model = "loopback-model";

    /// <summary>A kernel builder whose chat model is the loopback server: an IChatClient (AddOpenAIChatClient) or an IChatCompletionService (AddOpenAIChatCompletion), and its embedding generator too.</summary>
    public static IKernelBuilder CreateBuilder(LoopbackOpenAIServer server, bool chatCompletionService = false)
    {
        var builder = Kernel.CreateBuilder();
        if (chatCompletionService)
        {
            builder.AddOpenAIChatCompletion(Model, server.BaseUri, "test-key");
        }
        else
        {
            builder.AddOpenAIChatClient(Model, server.BaseUri, "test-key");
        }

        builder.AddOpenAIEmbeddingGenerator("loopback-embedding", new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = server.BaseUri }));
        return builder;
    }
}
