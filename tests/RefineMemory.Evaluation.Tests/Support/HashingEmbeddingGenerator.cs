using Microsoft.Extensions.AI;

namespace RefineMemory.Evaluation.Tests.Support;

/// <summary>
/// A test double: a deterministic bag-of-words embedder (lower-cased word and word-bigram feature hashing into
/// <see cref="Dimension"/> buckets, signed). Crude but real enough that related texts land near each other, so the
/// protocol can be exercised without model weights. Test-only; the product uses a real encoder.
/// </summary>
internal sealed class HashingEmbeddingGenerator(int dimension = 256) : IEmbeddingGenerator<string, Embedding<float>>
{
    public int Dimension { get; } = dimension;

    public int TextsSeen { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (string text in values)
        {
            TextsSeen++;
            result.Add(new Embedding<float>(Embed(text)));
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private float[] Embed(string text)
    {
        var v = new float[Dimension];
        string[] words = text.ToLowerInvariant().Split([' ', '.', ',', '?', '!', '\n', ':', ';', '"', '\''], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < words.Length; i++)
        {
            Add(v, words[i].Length > 5 ? words[i][..5] : words[i], 1f);
            if (i > 0)
            {
                Add(v, words[i - 1] + " " + words[i], 0.5f);
            }
        }

        Add(v, "<bias>", 0.1f);
        return v;
    }

    private void Add(float[] v, string token, float weight)
    {
        uint h = 2166136261;
        foreach (char c in token)
        {
            h = (h ^ c) * 16777619;
        }

        v[h % (uint)Dimension] += (h & 0x80000000) != 0 ? weight : -weight;
    }
}
