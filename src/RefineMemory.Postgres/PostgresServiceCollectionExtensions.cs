using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.VectorData;
using Npgsql;
using RefineMemory.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="PostgresVectorStore"/> as the <see cref="VectorStore"/> (TryAdd: the host's own registrations win).</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// A singleton <see cref="PostgresVectorStore"/> (also as <see cref="VectorStore"/>) over a data source built
    /// from <paramref name="connectionString"/> with pgvector's types; the container disposes both.
    /// </summary>
    public static IServiceCollection AddPostgresVectorStore(this IServiceCollection services, string connectionString, PostgresCollectionOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.TryAddSingleton(_ => new PostgresVectorStore(PostgresVectorStore.CreateDataSource(connectionString), defaults, ownsDataSource: true));
        services.TryAddSingleton<VectorStore>(sp => sp.GetRequiredService<PostgresVectorStore>());
        return services;
    }

    /// <summary>As <see cref="AddPostgresVectorStore(IServiceCollection, string, PostgresCollectionOptions?)"/>, over the <see cref="NpgsqlDataSource"/> registered in the container (not disposed by the store).</summary>
    public static IServiceCollection AddPostgresVectorStore(this IServiceCollection services, PostgresCollectionOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new PostgresVectorStore(sp.GetRequiredService<NpgsqlDataSource>(), defaults));
        services.TryAddSingleton<VectorStore>(sp => sp.GetRequiredService<PostgresVectorStore>());
        return services;
    }

    /// <summary>A keyed singleton <see cref="PostgresVectorStore"/> (also as keyed <see cref="VectorStore"/>) for <paramref name="connectionString"/>.</summary>
    public static IServiceCollection AddKeyedPostgresVectorStore(this IServiceCollection services, object? serviceKey, string connectionString, PostgresCollectionOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.TryAddKeyedSingleton(serviceKey, (_, _) => new PostgresVectorStore(PostgresVectorStore.CreateDataSource(connectionString), defaults, ownsDataSource: true));
        services.TryAddKeyedSingleton<VectorStore>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<PostgresVectorStore>(key));
        return services;
    }

    /// <summary>A singleton collection of <typeparamref name="TRecord"/> named <paramref name="name"/> from the registered <see cref="PostgresVectorStore"/>.</summary>
    public static IServiceCollection AddPostgresCollection<TKey, TRecord>(this IServiceCollection services, string name, object? storeKey = null)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.TryAddSingleton(sp => (storeKey is null ? sp.GetRequiredService<PostgresVectorStore>() : sp.GetRequiredKeyedService<PostgresVectorStore>(storeKey)).GetCollection<TKey, TRecord>(name));
        return services;
    }
}
