using Microsoft.Extensions.AI;

namespace RefineMemory.Embed;

/// <summary>
/// A collection's vectors were made by another embedder than the one in use: comparing them would mix two vector
/// spaces (two 384-d models have the same dimension but unrelated coordinates), so the search or ingest is refused.
/// </summary>
public sealed class EmbedderMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="collection"/>, embedded with <paramref name="recorded"/>, searched with <paramref name="current"/>.</summary>
    public EmbedderMismatchException(string collection, string recorded, string current)
        : base($"collection '{collection}' was embedded with '{recorded}', but the embedder in use is '{current}', whose vectors cannot be compared with its. " +
               $"Use the same embedder (refine: --embedder {recorded}), or ingest into a new collection.")
    {
        Collection = collection;
        Recorded = recorded;
        Current = current;
    }

    /// <summary>Creates the exception with a default message.</summary>
    public EmbedderMismatchException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public EmbedderMismatchException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public EmbedderMismatchException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The collection whose vectors do not match.</summary>
    public string? Collection { get; }

    /// <summary>The embedder the collection records.</summary>
    public string? Recorded { get; }

    /// <summary>The embedder in use.</summary>
    public string? Current { get; }

    /// <summary>
    /// Throws when <paramref name="recorded"/> (the model id a collection stores) and the model id
    /// <paramref name="embedder"/> reports are both known and differ (ordinal, case-insensitive).
    /// </summary>
    public static void ThrowIfDifferent(string collection, string? recorded, IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        string? current = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
        if (!string.IsNullOrEmpty(recorded) && !string.IsNullOrEmpty(current) && !string.Equals(recorded, current, StringComparison.OrdinalIgnoreCase))
        {
            throw new EmbedderMismatchException(collection, recorded, current);
        }
    }
}
