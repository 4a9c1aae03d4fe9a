using Microsoft.Extensions.AI;
using RefineMemory.Embed;

namespace RefineMemory.UseLite.Tests;

public sealed class DiskCachingEmbeddingGeneratorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "refine-cache-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Second_run_is_served_from_disk_with_identical_vectors()
    {
        var inner = new CountingGenerator("fake-a");
        string[] texts = ["alpha", "beta", "", "gamma"];
        using (var first = new DiskCachingEmbeddingGenerator(inner, _dir))
        {
            var a = await first.GenerateAsync(texts);
            Assert.Equal(4, inner.TextsEmbedded);
            Assert.Equal(4, first.Misses);
            Assert.Equal("fake-a", a[0].ModelId);
        }

        // A fresh instance (as in a re-run) finds everything on disk.
        using var second = new DiskCachingEmbeddingGenerator(inner, _dir);
        var b = await second.GenerateAsync(texts);
        Assert.Equal(4, inner.TextsEmbedded);
        Assert.Equal(4, second.Hits);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(CountingGenerator.VectorFor(texts[i]), b[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task Only_missing_texts_reach_the_inner_generator_once_each_in_order()
    {
        var inner = new CountingGenerator("fake-a");
        using var cache = new DiskCachingEmbeddingGenerator(inner, _dir);
        await cache.GenerateAsync(["one", "two"]);
        var result = await cache.GenerateAsync(["three", "one", "three", "four", "two"]);
        Assert.Equal(["one", "two", "three", "four"], inner.Seen);
        Assert.Equal(CountingGenerator.VectorFor("three"), result[2].Vector.ToArray());
        Assert.Equal(CountingGenerator.VectorFor("four"), result[3].Vector.ToArray());
        Assert.Equal(CountingGenerator.VectorFor("two"), result[4].Vector.ToArray());
    }

    [Fact]
    public async Task Different_model_ids_never_share_entries()
    {
        var a = new CountingGenerator("model-a");
        var b = new CountingGenerator("model-b", offset: 1f);
        using var cacheA = new DiskCachingEmbeddingGenerator(a, _dir);
        using var cacheB = new DiskCachingEmbeddingGenerator(b, _dir);
        var va = await cacheA.GenerateAsync(["same text"]);
        var vb = await cacheB.GenerateAsync(["same text"]);
        Assert.Equal(1, a.TextsEmbedded);
        Assert.Equal(1, b.TextsEmbedded);
        Assert.NotEqual(va[0].Vector.ToArray(), vb[0].Vector.ToArray());
    }

    [Fact]
    public async Task Damaged_entry_is_a_miss_and_is_rewritten()
    {
        var inner = new CountingGenerator("fake-a");
        using var cache = new DiskCachingEmbeddingGenerator(inner, _dir);
        await cache.GenerateAsync(["fragile"]);
        string entry = Directory.EnumerateFiles(_dir, "*.vec", SearchOption.AllDirectories).Single();

        byte[] bytes = File.ReadAllBytes(entry);
        bytes[60] ^= 0x40;
        File.WriteAllBytes(entry, bytes);
        var again = await cache.GenerateAsync(["fragile"]);
        Assert.Equal(2, inner.TextsEmbedded);
        Assert.Equal(CountingGenerator.VectorFor("fragile"), again[0].Vector.ToArray());

        File.WriteAllBytes(entry, bytes.AsSpan(0, 20).ToArray());
        await cache.GenerateAsync(["fragile"]);
        Assert.Equal(3, inner.TextsEmbedded);

        // Rewritten: now a hit.
        await cache.GenerateAsync(["fragile"]);
        Assert.Equal(3, inner.TextsEmbedded);
    }

    [Fact]
    public async Task Leftover_temporary_file_from_a_crash_is_ignored()
    {
        var inner = new CountingGenerator("fake-a");
        using var cache = new DiskCachingEmbeddingGenerator(inner, _dir);
        await cache.GenerateAsync(["x"]);
        string entry = Directory.EnumerateFiles(_dir, "*.vec", SearchOption.AllDirectories).Single();
        File.Move(entry, entry + ".123.deadbeef.tmp");
        File.WriteAllBytes(entry + ".456.cafe.tmp", [1, 2, 3]);

        var result = await cache.GenerateAsync(["x"]);
        Assert.Equal(2, inner.TextsEmbedded);
        Assert.Equal(CountingGenerator.VectorFor("x"), result[0].Vector.ToArray());
    }

    [Fact]
    public async Task Concurrent_callers_on_one_folder_all_get_correct_vectors()
    {
        var inner = new CountingGenerator("fake-a");
        using var one = new DiskCachingEmbeddingGenerator(inner, _dir);
        using var two = new DiskCachingEmbeddingGenerator(inner, _dir);
        string[] texts = Enumerable.Range(0, 40).Select(i => $"text {i % 25}").ToArray();
        var tasks = Enumerable.Range(0, 16).Select(k => Task.Run(async () =>
        {
            var gen = k % 2 == 0 ? one : two;
            string[] mine = texts.Skip(k).Concat(texts.Take(k)).ToArray();
            var result = await gen.GenerateAsync(mine);
            for (int i = 0; i < mine.Length; i++)
            {
                Assert.Equal(CountingGenerator.VectorFor(mine[i]), result[i].Vector.ToArray());
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        Assert.Equal(25, Directory.EnumerateFiles(_dir, "*.vec", SearchOption.AllDirectories).Count());
        Assert.Empty(Directory.EnumerateFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Bad_input_is_rejected_with_a_clear_error()
    {
        using var cache = new DiskCachingEmbeddingGenerator(new CountingGenerator("fake-a"), _dir);
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => cache.GenerateAsync([]));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
        var nul = await Assert.ThrowsAsync<ArgumentException>(() => cache.GenerateAsync(["a", null!]));
        Assert.Contains("text 1 is null", nul.Message, StringComparison.Ordinal);
        var noId = Assert.Throws<ArgumentException>(() => new DiskCachingEmbeddingGenerator(new CountingGenerator(null), _dir));
        Assert.Contains("model id", noId.Message, StringComparison.Ordinal);
    }

    /// <summary>Deterministic 8-d vectors derived from the text; records what it was asked to embed.</summary>
    private sealed class CountingGenerator(string? modelId, float offset = 0f) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly List<string> _seen = [];

        public List<string> Seen
        {
            get
            {
                lock (_seen)
                {
                    return [.. _seen];
                }
            }
        }

        public int TextsEmbedded => Seen.Count;

        public static float[] VectorFor(string text, float offset = 0f) =>
            Enumerable.Range(0, 8).Select(d => offset + (text.Length * 0.5f) + (d * 0.25f) + (text.Sum(c => c) % 97)).ToArray();

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            string[] texts = [.. values];
            lock (_seen)
            {
                _seen.AddRange(texts);
            }

            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(VectorFor(t, offset)))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("fake", null, modelId, 8) : null;

        public void Dispose()
        {
        }
    }
}
