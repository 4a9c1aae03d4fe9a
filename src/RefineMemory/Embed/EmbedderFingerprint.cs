using Microsoft.Extensions.AI;

namespace RefineMemory.Embed;

/// <summary>
/// Everything that decides an embedder's vectors (model bytes, tokenizer, pooling, normalisation, query prefix,
/// maximum length...), as one string: caches key their entries by it, so changing any of these misses the cache
/// instead of returning another model's vectors. Generators that can say it answer
/// <c>GetService(typeof(EmbedderFingerprint))</c>; for the others <see cref="Of"/> falls back to the provider,
/// model id and dimension their metadata report.
/// </summary>
public sealed record EmbedderFingerprint(string Value)
{
    /// <summary>The generator's own fingerprint, else one made of its metadata; null when it reports neither.</summary>
    public static EmbedderFingerprint? Of(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (generator.GetService<EmbedderFingerprint>() is { } own)
        {
            return own;
        }

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        return metadata?.DefaultModelId is { Length: > 0 } id
            ? new EmbedderFingerprint($"{metadata.ProviderName}|{id}|{metadata.DefaultModelDimensions}")
            : null;
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
