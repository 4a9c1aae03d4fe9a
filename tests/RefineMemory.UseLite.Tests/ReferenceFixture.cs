using System.Runtime.InteropServices;
using System.Text.Json;
using RefineMemory.Testing;

namespace RefineMemory.UseLite.Tests;

/// <summary>
/// The committed output of eng/fixtures/use-lite/make_reference.js: sentences, the reference runtime's token ids
/// and its 512-d vectors (float32 little-endian).
/// </summary>
internal sealed class ReferenceFixture
{
    private static readonly Lazy<ReferenceFixture> LazyInstance = new(Load);

    private ReferenceFixture(string[] texts, int[][] ids, float[] vectors)
    {
        Texts = texts;
        Ids = ids;
        Vectors = vectors;
    }

    public static ReferenceFixture Instance => LazyInstance.Value;

    public string[] Texts { get; }

    public int[][] Ids { get; }

    public float[] Vectors { get; }

    public ReadOnlySpan<float> Vector(int i) => Vectors.AsSpan(i * 512, 512);

    private static ReferenceFixture Load()
    {
        string dir = Path.Combine(RepoPaths.Fixtures, "use-lite");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "sentences.json")));
        var items = doc.RootElement.GetProperty("items").EnumerateArray().ToArray();
        string[] texts = items.Select(e => e.GetProperty("text").GetString()!).ToArray();
        int[][] ids = items.Select(e => e.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();
        float[] vectors = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(dir, "vectors.f32"))).ToArray();
        Assert.Equal(texts.Length * 512, vectors.Length);
        return new ReferenceFixture(texts, ids, vectors);
    }
}

/// <summary>One generator for the whole test run (loading costs a few hundred milliseconds).</summary>
internal static class SharedGenerator
{
    private static readonly Lazy<UseLiteEmbeddingGenerator> LazyInstance = new(() =>
        UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = Path.Combine(RepoPaths.Assets, "use-lite") }));

    public static UseLiteEmbeddingGenerator Instance => LazyInstance.Value;
}
