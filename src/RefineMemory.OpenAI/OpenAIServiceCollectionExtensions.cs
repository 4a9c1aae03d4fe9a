using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RefineMemory.OpenAI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the OpenAI-compatible chat client and embedding generator.</summary>
public static class OpenAIServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IChatClient"/> as an <see cref="OpenAICompatibleChatClient"/> for <paramref name="settings"/>
    /// (a program reading <c>REFINE_CHAT_*</c> passes <see cref="ChatModelSettings.FromVariables"/>).
    /// Does nothing if an <see cref="IChatClient"/> is already registered (the host's model wins).
    /// </summary>
    public static IServiceCollection AddOpenAICompatibleChatClient(this IServiceCollection services, ChatModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton<IChatClient>(_ => new OpenAICompatibleChatClient(settings));
        return services;
    }

    /// <summary>
    /// Registers <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> as an <see cref="OpenAICompatibleEmbeddingGenerator"/>
    /// for <paramref name="settings"/>, unless one is registered.
    /// </summary>
    public static IServiceCollection AddOpenAICompatibleEmbeddingGenerator(this IServiceCollection services, EmbeddingModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new OpenAICompatibleEmbeddingGenerator(settings));
        return services;
    }
}
