using Microsoft.Extensions.DependencyInjection.Extensions;
using RefineMemory;
using RefineMemory.Memory;
using RefineMemory.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite memory store as the <see cref="IMemoryStore"/> of <c>AddRefineMemory</c>.</summary>
public static class SqliteMemoryServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="SqliteMemoryStore"/> over the file <paramref name="databasePath"/> (created when missing) as
    /// itself and as <see cref="IMemoryStore"/>, opened on first use with the host's embedding generator (keyed by
    /// <see cref="RefineMemoryOptions.EmbeddingGeneratorKey"/> when set). TryAdd: an existing store wins.
    /// </summary>
    public static IServiceCollection AddSqliteMemoryStore(this IServiceCollection services, string databasePath, Action<SqliteMemoryStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.TryAddSingleton(sp =>
        {
            var options = new SqliteMemoryStoreOptions { DatabasePath = databasePath };
            configure?.Invoke(options);
            return new SqliteMemoryStore(options, RefineMemoryServices.Embedder(sp, nameof(AddSqliteMemoryStore)));
        });
        services.TryAddSingleton<IMemoryStore>(sp => sp.GetRequiredService<SqliteMemoryStore>());
        return services;
    }
}
