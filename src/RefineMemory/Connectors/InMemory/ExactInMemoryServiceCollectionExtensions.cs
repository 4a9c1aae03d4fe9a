using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.VectorData;
using RefineMemory.Connectors.InMemory;
using RefineMemory.Retrieve;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the exact in-memory VectorData store and its collections.</summary>
public static class ExactInMemoryServiceCollectionExtensions
{
    /// <summary>Adds an <see cref="ExactInMemoryVectorStore"/> as itself and as <see cref="VectorStore"/> (singletons; an existing registration wins).</summary>
    public static IServiceCollection AddExactInMemoryVectorStore(this IServiceCollection services, ExactVectorIndexOptions? indexOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ => new ExactInMemoryVectorStore(indexOptions));
        services.TryAddSingleton<VectorStore>(sp => sp.GetRequiredService<ExactInMemoryVectorStore>());
        return services;
    }

    /// <summary>Adds an <see cref="ExactInMemoryVectorStore"/> under <paramref name="serviceKey"/>, as itself and as <see cref="VectorStore"/>.</summary>
    public static IServiceCollection AddKeyedExactInMemoryVectorStore(this IServiceCollection services, object? serviceKey, ExactVectorIndexOptions? indexOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddKeyedSingleton(serviceKey, (_, _) => new ExactInMemoryVectorStore(indexOptions));
        services.TryAddKeyedSingleton<VectorStore>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<ExactInMemoryVectorStore>(key));
        return services;
    }

    /// <summary>
    /// Adds collection <paramref name="name"/> of the registered <see cref="ExactInMemoryVectorStore"/> (added if missing) as
    /// <see cref="VectorStoreCollection{TKey, TRecord}"/> and <see cref="IVectorSearchable{TRecord}"/>.
    /// </summary>
    public static IServiceCollection AddExactInMemoryCollection<TKey, TRecord>(this IServiceCollection services, string name, VectorStoreCollectionDefinition? definition = null)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddExactInMemoryVectorStore();
        services.TryAddSingleton<VectorStoreCollection<TKey, TRecord>>(sp => sp.GetRequiredService<ExactInMemoryVectorStore>().GetCollection<TKey, TRecord>(name, definition));
        services.TryAddSingleton<IVectorSearchable<TRecord>>(sp => sp.GetRequiredService<VectorStoreCollection<TKey, TRecord>>());
        return services;
    }

    /// <summary>The keyed form of <see cref="AddExactInMemoryCollection{TKey, TRecord}"/>: the store and the collection share <paramref name="serviceKey"/>.</summary>
    public static IServiceCollection AddKeyedExactInMemoryCollection<TKey, TRecord>(this IServiceCollection services, object? serviceKey, string name, VectorStoreCollectionDefinition? definition = null)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddKeyedExactInMemoryVectorStore(serviceKey);
        services.TryAddKeyedSingleton<VectorStoreCollection<TKey, TRecord>>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<ExactInMemoryVectorStore>(key).GetCollection<TKey, TRecord>(name, definition));
        services.TryAddKeyedSingleton<IVectorSearchable<TRecord>>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<VectorStoreCollection<TKey, TRecord>>(key));
        return services;
    }
}
