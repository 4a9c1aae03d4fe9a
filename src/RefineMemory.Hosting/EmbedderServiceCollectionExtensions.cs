using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RefineMemory.Embed;
using RefineMemory.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers an embedder chosen by name.</summary>
public static class EmbedderServiceCollectionExtensions
{
    /// <summary>
    /// Adds the embedder named <paramref name="name"/> (default <see cref="EmbedderName.Default"/>; see
    /// <see cref="EmbedderName"/>) as the <see cref="IEmbeddingGenerator{String, Embedding}"/> singleton, opened on
    /// first use. The name is checked here, so a misspelt one fails at start-up. TryAdd: an existing registration wins.
    /// </summary>
    public static IServiceCollection AddRefineMemoryEmbedder(this IServiceCollection services, string name = EmbedderName.Default, Action<NamedEmbedderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var parsed = EmbedderName.Parse(name);
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ =>
        {
            var options = new NamedEmbedderOptions();
            configure?.Invoke(options);
            return NamedEmbedders.Create(parsed, options);
        });
        return services;
    }
}
