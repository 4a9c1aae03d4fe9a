using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RefineMemory.UseLite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded USE-Lite embedder.</summary>
public static class UseLiteServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="UseLiteEmbeddingGenerator"/> as the singleton
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings (unless one is already registered). The model
    /// is loaded on first resolution.
    /// </summary>
    public static IServiceCollection AddUseLiteEmbeddingGenerator(this IServiceCollection services, Action<UseLiteOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ =>
        {
            var options = new UseLiteOptions();
            configure?.Invoke(options);
            return UseLiteEmbeddingGenerator.Create(options);
        });
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<UseLiteEmbeddingGenerator>());
        return services;
    }
}
