using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using RefineMemory.Judge;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the chat-model relevance judge.</summary>
public static class JudgeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IRelevanceJudge"/> as a <see cref="ChatRelevanceJudge"/> over the registered
    /// <see cref="IChatClient"/>, wrapped in a <see cref="CachingRelevanceJudge"/> when an <see cref="IJudgeCache"/>
    /// is registered. Does nothing if an <see cref="IRelevanceJudge"/> is already registered.
    /// </summary>
    public static IServiceCollection AddChatRelevanceJudge(this IServiceCollection services, Action<ChatRelevanceJudgeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IRelevanceJudge>(sp =>
        {
            var options = new ChatRelevanceJudgeOptions();
            configure?.Invoke(options);
            var judge = new ChatRelevanceJudge(sp.GetRequiredService<IChatClient>(), options, sp.GetService<ILogger<ChatRelevanceJudge>>());
            return sp.GetService<IJudgeCache>() is { } cache
                ? new CachingRelevanceJudge(judge, cache, sp.GetService<ILogger<CachingRelevanceJudge>>())
                : judge;
        });
        return services;
    }
}
