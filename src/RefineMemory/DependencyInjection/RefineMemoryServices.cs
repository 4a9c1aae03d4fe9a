using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RefineMemory;

/// <summary>
/// Resolves what <c>AddRefineMemory</c> and the store packages' registrations need from the host, keyed or not, with a
/// message naming the option or the package when it is missing. Internal: the store packages share it (InternalsVisibleTo).
/// </summary>
internal static class RefineMemoryServices
{
    public static RefineMemoryOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<RefineMemoryOptions>>().Value;

    public static IEmbeddingGenerator<string, Embedding<float>> Embedder(IServiceProvider sp, string registeredBy)
    {
        string? key = sp.GetService<IOptions<RefineMemoryOptions>>()?.Value.EmbeddingGeneratorKey;
        return Resolve<IEmbeddingGenerator<string, Embedding<float>>>(sp, key, nameof(RefineMemoryOptions.EmbeddingGeneratorKey), registeredBy);
    }

    public static T Resolve<T>(IServiceProvider sp, string? key, string option, string registeredBy = "AddRefineMemory")
        where T : class
    {
        T? service = key is null ? sp.GetService<T>() : sp.GetKeyedService<T>(key);
        return service ?? throw new InvalidOperationException(key is null
            ? $"{registeredBy} needs a {typeof(T).Name} registered in the service collection (or set RefineMemoryOptions.{option} to use a keyed one)."
            : $"{registeredBy} needs a {typeof(T).Name} registered with the key '{key}' (RefineMemoryOptions.{option}).");
    }
}
