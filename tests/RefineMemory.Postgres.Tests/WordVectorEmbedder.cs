using Microsoft.Extensions.AI;

namespace RefineMemory.Postgres.Tests;

/// <summary>
/// Test double: a deterministic embedder whose text vector is the sum of one pseudo-random Gaussian vector per
/// lower-cased word (seeded by the word's FNV hash). Texts sharing words are close, and unlike an integer
/// feature-hashing embedder no two distinct texts score alike, so two stores' rankings can be compared id by id.
/// </summary>
internal sealed class WordVectorEmbedder(int dimension, string modelId = "word-vectors") : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(t => new Embedding<float>(Embed(t)))));
    }

    public float[] Embed(string text)
    {
        var v = new float[dimension];
        foreach (string word in text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            uint h = 2166136261;
            foreach (char c in word)
            {
                h = (h ^ c) * 16777619;
            }

            var random = new Random((int)h);
            for (int i = 0; i < dimension; i++)
            {
                v[i] += (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }
        }

        v[0] += 1e-3f; // never the zero vector
        return v;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("word-vectors-test", null, modelId, dimension) : null;

    public void Dispose() { }
}
