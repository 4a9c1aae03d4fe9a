using Microsoft.Extensions.AI;

namespace RefineMemory.Postgres.Scale;

/// <summary>Returns precomputed vectors for texts "v{i}", so ingest runs measure the stores, not a model.</summary>
internal sealed class LookupEmbedder(float[][] vectors) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(t => new Embedding<float>(vectors[int.Parse(t.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)]))));

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
