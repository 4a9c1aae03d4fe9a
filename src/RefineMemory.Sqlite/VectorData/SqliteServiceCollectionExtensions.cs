using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.VectorData;
using RefineMemory.Sqlite.VectorData;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite VectorData store and its collections.</summary>
public static class SqliteServiceCollectionExtensions
{
    /// <summary>Adds a <see cref="SqliteVectorStore"/> over <paramref name="connectionString"/> as itself and as <see cref="VectorStore"/> (singletons; an existing registration wins).</summary>
    public static IServiceCollection AddSqliteVectorStore(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.TryAddSingleton(_ => new SqliteVectorStore(connectionString));
        services.TryAddSingleton<VectorStore>(sp => sp.GetRequiredService<SqliteVectorStore>());
        return services;
    }

    /// <summary>Adds a <see cref="SqliteVectorStore"/> under <paramref name="serviceKey"/>, as itself and as <see cref="VectorStore"/>.</summary>
    public static IServiceCollection AddKeyedSqliteVectorStore(this IServiceCollection services, object? serviceKey, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.TryAddKeyedSingleton(serviceKey, (_, _) => new SqliteVectorStore(connectionString));
        services.TryAddKeyedSingleton<VectorStore>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<SqliteVectorStore>(key));
        return services;
    }

    /// <summary>
    /// Adds collection <paramref name="name"/> of a <see cref="SqliteVectorStore"/> over <paramref name="connectionString"/>
    /// (added if missing) as <see cref="VectorStoreCollection{TKey, TRecord}"/> and <see cref="IVectorSearchable{TRecord}"/>.
    /// </summary>
    public static IServiceCollection AddSqliteCollection<TKey, TRecord>(this IServiceCollection services, string connectionString, string name, VectorStoreCollectionDefinition? definition = null)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddSqliteVectorStore(connectionString);
        services.TryAddSingleton<VectorStoreCollection<TKey, TRecord>>(sp => sp.GetRequiredService<SqliteVectorStore>().GetCollection<TKey, TRecord>(name, definition));
        services.TryAddSingleton<IVectorSearchable<TRecord>>(sp => sp.GetRequiredService<VectorStoreCollection<TKey, TRecord>>());
        return services;
    }

    /// <summary>The keyed form of <see cref="AddSqliteCollection{TKey, TRecord}"/>: the store and the collection share <paramref name="serviceKey"/>.</summary>
    public static IServiceCollection AddKeyedSqliteCollection<TKey, TRecord>(this IServiceCollection services, object? serviceKey, string connectionString, string name, VectorStoreCollectionDefinition? definition = null)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddKeyedSqliteVectorStore(serviceKey, connectionString);
        services.TryAddKeyedSingleton<VectorStoreCollection<TKey, TRecord>>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<SqliteVectorStore>(key).GetCollection<TKey, TRecord>(name, definition));
        services.TryAddKeyedSingleton<IVectorSearchable<TRecord>>(serviceKey, (sp, key) => sp.GetRequiredKeyedService<VectorStoreCollection<TKey, TRecord>>(key));
        return services;
    }
}
