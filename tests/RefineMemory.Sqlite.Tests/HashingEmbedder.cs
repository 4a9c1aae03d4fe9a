using Microsoft.Extensions.AI;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// Test double: a deterministic bag-of-words embedder (signed feature hashing of lower-cased words and
/// word bigrams). It counts the texts it embedded so tests can check that unchanged documents cost nothing.
/// </summary>
internal sealed class HashingEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly int _dimension;
    private readonly string _modelId;
    private readonly bool _unitLength;
    private int _embedded;

    /// <param name="dimension">The vector length.</param>
    /// <param name="modelId">The model id reported (default "hashing-DIM"); the same id with another dimension plays a model whose output size changed.</param>
    /// <param name="unitLength">Whether vectors are scaled to unit length, as real sentence embedders' are.</param>
    public HashingEmbedder(int dimension = 256, string? modelId = null, bool unitLength = false)
    {
        _unitLength = unitLength;
        _dimension = dimension;
        _modelId = modelId ?? "hashing-" + dimension;
    }

    public int Embedded => Volatile.Read(ref _embedded);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (string text in values)
        {
            Interlocked.Increment(ref _embedded);
            result.Add(new Embedding<float>(Embed(text)));
        }

        return Task.FromResult(result);
    }

    public float[] Embed(string text)
    {
        var v = new float[_dimension];
        string[] words = text.ToLowerInvariant().Split([' ', '\n', '\t', ',', '.', '?', '!', '\'', '"', ':'], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < words.Length; i++)
        {
            Add(v, words[i]);
            if (i > 0)
            {
                Add(v, words[i - 1] + " " + words[i]);
            }
        }

        v[0] += 1e-3f; // never the zero vector
        if (_unitLength)
        {
            float norm = MathF.Sqrt(v.Sum(x => x * x));
            for (int i = 0; i < v.Length; i++)
            {
                v[i] /= norm;
            }
        }

        return v;
    }

    private void Add(float[] v, string feature)
    {
        uint h = 2166136261;
        foreach (char c in feature)
        {
            h = (h ^ c) * 16777619;
        }

        v[h % (uint)_dimension] += (h & 0x80000000) != 0 ? 1f : -1f;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("hashing-test", null, _modelId, _dimension) : null;

    public void Dispose() { }
}
