using Microsoft.Extensions.DependencyInjection.Extensions;
using RefineMemory;
using RefineMemory.Memory;
using RefineMemory.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL memory store as the <see cref="IMemoryStore"/> of <c>AddRefineMemory</c>.</summary>
public static class PostgresMemoryServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="PostgresMemoryStore"/> over the Npgsql <paramref name="connectionString"/> as itself and as
    /// <see cref="IMemoryStore"/>, opened on first use with the host's embedding generator (keyed by
    /// <see cref="RefineMemoryOptions.EmbeddingGeneratorKey"/> when set). TryAdd: an existing store wins.
    /// </summary>
    public static IServiceCollection AddPostgresMemoryStore(this IServiceCollection services, string connectionString, Action<PostgresMemoryStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.TryAddSingleton(sp =>
        {
            var options = new PostgresMemoryStoreOptions { ConnectionString = connectionString };
            configure?.Invoke(options);
            return new PostgresMemoryStore(options, RefineMemoryServices.Embedder(sp, nameof(AddPostgresMemoryStore)));
        });
        services.TryAddSingleton<IMemoryStore>(sp => sp.GetRequiredService<PostgresMemoryStore>());
        return services;
    }
}
