using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RefineMemory.Agents;
using RefineMemory.Hosting;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Postgres;
using RefineMemory.Search;
using RefineMemory.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers RefineMemory: the memory (SQLite file or PostgreSQL, from <see cref="RefineMemoryOptions.DatabasePath"/>), refined search judged by the host's chat model, and the tools.</summary>
public static class RefineMemoryServiceCollectionExtensions
{
    /// <summary>
    /// Adds the memory store, <see cref="RefinedSearch"/>, an <see cref="IRelevanceJudge"/> over the host's
    /// <see cref="IChatClient"/> (unless an <see cref="IRelevanceJudge"/> is already registered; cached when an
    /// <see cref="IJudgeCache"/> such as <c>SqliteJudgeCache</c> is registered) and
    /// <see cref="RefineMemoryTools"/>. The host registers the <see cref="IChatClient"/> and the
    /// <see cref="IEmbeddingGenerator{String, Embedding}"/>, keyed or not (see <see cref="RefineMemoryOptions.ChatClientKey"/>).
    /// Every registration is a TryAdd, so the host's own registrations win.
    /// </summary>
    public static IServiceCollection AddRefineMemory(this IServiceCollection services, Action<RefineMemoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RefineMemoryOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RefineMemoryOptions>>().Value;
            return new SqliteMemoryStore(new SqliteMemoryStoreOptions { DatabasePath = o.DatabasePath }, Resolve<IEmbeddingGenerator<string, Embedding<float>>>(sp, o.EmbeddingGeneratorKey, nameof(o.EmbeddingGeneratorKey)));
        });
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RefineMemoryOptions>>().Value;
            var database = MemoryDatabase.Parse(o.DatabasePath);
            return database.Kind == MemoryDatabaseKind.Postgres
                ? new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = database.Value, ExactSearch = o.ExactSearch }, Resolve<IEmbeddingGenerator<string, Embedding<float>>>(sp, o.EmbeddingGeneratorKey, nameof(o.EmbeddingGeneratorKey)))
                : throw new InvalidOperationException($"RefineMemoryOptions.DatabasePath '{o.DatabasePath}' is a SQLite file, not PostgreSQL.");
        });
        services.TryAddSingleton<IMemoryStore>(sp =>
            MemoryDatabase.Parse(sp.GetRequiredService<IOptions<RefineMemoryOptions>>().Value.DatabasePath).Kind == MemoryDatabaseKind.Postgres
                ? sp.GetRequiredService<PostgresMemoryStore>()
                : sp.GetRequiredService<SqliteMemoryStore>());
        services.TryAddSingleton<IRelevanceJudge>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RefineMemoryOptions>>().Value;
            var judge = new ChatRelevanceJudge(Resolve<IChatClient>(sp, o.ChatClientKey, nameof(o.ChatClientKey)), o.Judge, sp.GetService<ILogger<ChatRelevanceJudge>>());
            return sp.GetService<IJudgeCache>() is { } cache
                ? new CachingRelevanceJudge(judge, cache, sp.GetService<ILogger<CachingRelevanceJudge>>())
                : judge;
        });
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RefineMemoryOptions>>().Value;
            return new RefinedSearch(
                sp.GetRequiredService<IMemoryStore>(),
                Resolve<IEmbeddingGenerator<string, Embedding<float>>>(sp, o.EmbeddingGeneratorKey, nameof(o.EmbeddingGeneratorKey)),
                sp.GetRequiredService<IRelevanceJudge>(),
                o.Search);
        });
        services.TryAddSingleton(sp => new RefinedSearchFunction(sp.GetRequiredService<RefinedSearch>(), sp.GetRequiredService<IOptions<RefineMemoryOptions>>().Value.Tools));
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RefineMemoryOptions>>().Value;
            return new IngestFunction(sp.GetRequiredService<IMemoryStore>(), o.Tools, o.Ingest);
        });
        services.TryAddSingleton<RefineMemoryTools>();
        return services;
    }

    /// <summary>As <see cref="AddRefineMemory(IServiceCollection, Action{RefineMemoryOptions})"/>, with options bound from <paramref name="configuration"/> (e.g. the "RefineMemory" section) first.</summary>
    public static IServiceCollection AddRefineMemory(this IServiceCollection services, IConfiguration configuration, Action<RefineMemoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<RefineMemoryOptions>(configuration);
        return services.AddRefineMemory(configure);
    }

    private static T Resolve<T>(IServiceProvider sp, string? key, string option)
        where T : class
    {
        T? service = key is null ? sp.GetService<T>() : sp.GetKeyedService<T>(key);
        return service ?? throw new InvalidOperationException(key is null
            ? $"AddRefineMemory needs a {typeof(T).Name} registered in the service collection (or set RefineMemoryOptions.{option} to use a keyed one)."
            : $"AddRefineMemory needs a {typeof(T).Name} registered with the key '{key}' (RefineMemoryOptions.{option}).");
    }
}
