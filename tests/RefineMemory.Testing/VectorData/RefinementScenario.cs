using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Judge;
using RefineMemory.Refine;

namespace RefineMemory.Testing.VectorData;

/// <summary>
/// A collection where refinement must help: the query sits between two clusters, nearer the irrelevant one,
/// and the gold judge (an oracle) labels the other cluster relevant. Deterministic (seeded).
/// </summary>
public sealed class RefinementScenario
{
    public const int Dimension = 8;
    public const string Query = "which passages are relevant?";

    public RefinementScenario(int count = 60, int seed = 7)
    {
        var random = new Random(seed);
        var passages = new List<Passage>(count);
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal) { [Query] = Direction(1f, 0.4f, random, 0.05f) };
        for (int i = 0; i < count; i++)
        {
            bool relevant = i % 3 == 0;
            float[] v = relevant ? Direction(0.8f, 1f, random, 0.3f) : Direction(1f, 0f, random, 0.3f);
            var p = new Passage { Id = $"p{i:D3}", Text = $"passage {i} ({(relevant ? "relevant" : "other")})", Category = i % 2, Embedding = v };
            passages.Add(p);
            vectors[p.Text] = v;
            if (relevant)
            {
                Relevant.Add(p.Id);
            }
        }

        Passages = passages;
        Embedder = new TableEmbedder(vectors);
    }

    public IReadOnlyList<Passage> Passages { get; }

    public HashSet<string> Relevant { get; } = new(StringComparer.Ordinal);

    /// <summary>Embeds the query and every passage text to its table vector, counting the texts embedded.</summary>
    public TableEmbedder Embedder { get; }

    /// <summary>Gold labels: 1 for the relevant cluster, 0 otherwise (an oracle, not a model).</summary>
    public GoldJudge Judge => new((_, id) => Relevant.Contains(id) ? 1f : 0f);

    /// <summary>Refinement strong enough to move an 8-dimensional query in 100 steps (the paper's 1e-4 barely moves it).</summary>
    public static RefinementOptions Refinement() => new() { LearningRate = 0.05, Steps = 100, MaxAngle = null, FeedbackCount = 20, FeedbackFromTop = 20 };

    private static float[] Direction(float e0, float e1, Random random, float noise)
    {
        var v = new float[Dimension];
        v[0] = e0;
        v[1] = e1;
        for (int k = 0; k < Dimension; k++)
        {
            v[k] += (float)((random.NextDouble() - 0.5) * 2 * noise);
        }

        return v;
    }
}

/// <summary>An embedder that looks texts up in a table (unknown text is an error), and records what it embedded, as what.</summary>
public sealed class TableEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly IReadOnlyDictionary<string, float[]> _vectors;
    private readonly ConcurrentQueue<(string Text, EmbeddingPurpose Purpose)> _embeddings = new();

    public TableEmbedder(IReadOnlyDictionary<string, float[]> vectors) => _vectors = vectors;

    public int Embedded => _embeddings.Count;

    /// <summary>Every text embedded, in order, with the purpose its call asked for.</summary>
    public IReadOnlyList<(string Text, EmbeddingPurpose Purpose)> Embeddings => [.. _embeddings];

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var purpose = EmbeddingPurposes.Of(options);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (string text in values)
        {
            _embeddings.Enqueue((text, purpose));
            result.Add(new Embedding<float>(_vectors.TryGetValue(text, out var v) ? v.ToArray() : throw new InvalidOperationException($"TableEmbedder has no vector for '{text}'.")));
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
