using Microsoft.Extensions.AI;

namespace RefineMemory.Embed;

/// <summary>
/// What a text is embedded as. Asymmetric retrieval models embed a search query differently from the documents
/// it searches (arctic-embed puts a retrieval prefix before queries only); symmetric ones ignore the difference.
/// </summary>
public enum EmbeddingPurpose
{
    /// <summary>A passage to be searched (the default when nothing is said).</summary>
    Document,

    /// <summary>A search query.</summary>
    Query,
}

/// <summary>
/// Carries <see cref="EmbeddingPurpose"/> through <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> as the
/// additional property <see cref="PropertyName"/> of <see cref="EmbeddingGenerationOptions"/>: generators that
/// know the difference read it, every other generator ignores it.
/// </summary>
public static class EmbeddingPurposes
{
    /// <summary>The key in <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>; its value is "query" or "document".</summary>
    public const string PropertyName = "refine.purpose";

    /// <summary>New options that ask for query embeddings.</summary>
    public static EmbeddingGenerationOptions ForQueries() => With(null, EmbeddingPurpose.Query);

    /// <summary>A copy of <paramref name="options"/> (or new options) with <paramref name="purpose"/> set.</summary>
    public static EmbeddingGenerationOptions With(EmbeddingGenerationOptions? options, EmbeddingPurpose purpose)
    {
        var copy = options?.Clone() ?? new EmbeddingGenerationOptions();
        copy.AdditionalProperties = copy.AdditionalProperties?.Clone() ?? [];
        copy.AdditionalProperties[PropertyName] = purpose == EmbeddingPurpose.Query ? "query" : "document";
        return copy;
    }

    /// <summary>The purpose <paramref name="options"/> ask for; <see cref="EmbeddingPurpose.Document"/> when they say nothing.</summary>
    /// <exception cref="ArgumentException">The property holds something other than "query" or "document".</exception>
    public static EmbeddingPurpose Of(EmbeddingGenerationOptions? options)
    {
        if (options?.AdditionalProperties is null || !options.AdditionalProperties.TryGetValue(PropertyName, out object? value) || value is null)
        {
            return EmbeddingPurpose.Document;
        }

        return value switch
        {
            EmbeddingPurpose p => p,
            string s when s.Equals("query", StringComparison.OrdinalIgnoreCase) => EmbeddingPurpose.Query,
            string s when s.Equals("document", StringComparison.OrdinalIgnoreCase) => EmbeddingPurpose.Document,
            _ => throw new ArgumentException($"embedding option '{PropertyName}' is '{value}'; expected \"query\" or \"document\".", nameof(options)),
        };
    }
}
