using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using RefineMemory;
using RefineMemory.Agents;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Search;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers RefineMemory: refined search over the registered memory store, judged by the host's chat model, and the tools.</summary>
public static class RefineMemoryServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="RefinedSearch"/>, an <see cref="IRelevanceJudge"/> over the host's <see cref="IChatClient"/>
    /// (unless an <see cref="IRelevanceJudge"/> is already registered; cached when an <see cref="IJudgeCache"/> such as
    /// <c>SqliteJudgeCache</c> is registered) and <see cref="RefineMemoryTools"/>. The host registers the
    /// <see cref="IChatClient"/>, the <see cref="IEmbeddingGenerator{String, Embedding}"/> (keyed or not, see
    /// <see cref="RefineMemoryOptions.ChatClientKey"/>) and the <see cref="IMemoryStore"/>: <c>AddSqliteMemoryStore</c>
    /// (package RefineMemory.Sqlite), <c>AddPostgresMemoryStore</c> (RefineMemory.Postgres) or its own.
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

        services.TryAddSingleton<IRelevanceJudge>(sp =>
        {
            var o = RefineMemoryServices.Options(sp);
            var judge = new ChatRelevanceJudge(RefineMemoryServices.Resolve<IChatClient>(sp, o.ChatClientKey, nameof(o.ChatClientKey)), o.Judge, sp.GetService<ILogger<ChatRelevanceJudge>>());
            return sp.GetService<IJudgeCache>() is { } cache
                ? new CachingRelevanceJudge(judge, cache, sp.GetService<ILogger<CachingRelevanceJudge>>())
                : judge;
        });
        services.TryAddSingleton(sp =>
        {
            var o = RefineMemoryServices.Options(sp);
            return new RefinedSearch(
                MemoryStore(sp),
                RefineMemoryServices.Embedder(sp, nameof(AddRefineMemory)),
                sp.GetRequiredService<IRelevanceJudge>(),
                o.Search);
        });
        services.TryAddSingleton(sp => new RefinedSearchFunction(sp.GetRequiredService<RefinedSearch>(), RefineMemoryServices.Options(sp).Tools));
        services.TryAddSingleton(sp =>
        {
            var o = RefineMemoryServices.Options(sp);
            return new IngestFunction(MemoryStore(sp), o.Tools, o.Ingest);
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

    // The store is a separate package (SQLite, PostgreSQL, the host's own), so its absence is a set-up mistake
    // worth a message that names the packages, not DI's generic "no service for type".
    private static IMemoryStore MemoryStore(IServiceProvider sp) =>
        sp.GetService<IMemoryStore>() ?? throw new InvalidOperationException(
            "AddRefineMemory needs an IMemoryStore: add the package RefineMemory.Sqlite and call services.AddSqliteMemoryStore(path), " +
            "or RefineMemory.Postgres and services.AddPostgresMemoryStore(connectionString), or register your own.");
}
