using Microsoft.Extensions.AI;

namespace RefineMemory.Postgres.Scale;

/// <summary>
/// Returns precomputed vectors for texts "v{i}" (any one-letter prefix), so ingest runs measure the stores, not a
/// model. With <paramref name="modelId"/> it reports that model id in its metadata, which the memory store records
/// for the collection (so a collection can be made searchable by the CLI's own embedder).
/// </summary>
internal sealed class LookupEmbedder(float[][] vectors, string? modelId = null) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata? _metadata = modelId is null ? null
        : new EmbeddingGeneratorMetadata("refine-scale-lookup", null, modelId, vectors.Length > 0 ? vectors[0].Length : null);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(t => new Embedding<float>(vectors[int.Parse(t.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)]))));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && _metadata is not null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

    public void Dispose()
    {
    }
}
