using RefineMemory.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the memory store named by one string, as <c>refine --db</c> takes it.</summary>
public static class MemoryDatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Adds the memory store <paramref name="database"/> names (<see cref="MemoryDatabase.Parse"/>): a SQLite file
    /// (<c>AddSqliteMemoryStore</c>) or PostgreSQL (<c>AddPostgresMemoryStore</c>, HNSW unless <paramref name="exactSearch"/>).
    /// The string is checked here, so a malformed one fails at start-up. TryAdd: an existing store wins.
    /// </summary>
    public static IServiceCollection AddRefineMemoryDatabase(this IServiceCollection services, string database, bool exactSearch = false)
    {
        ArgumentNullException.ThrowIfNull(services);
        var parsed = MemoryDatabase.Parse(database);
        return parsed.Kind == MemoryDatabaseKind.Postgres
            ? services.AddPostgresMemoryStore(parsed.Value, o => o.ExactSearch = exactSearch)
            : services.AddSqliteMemoryStore(parsed.Value);
    }
}
