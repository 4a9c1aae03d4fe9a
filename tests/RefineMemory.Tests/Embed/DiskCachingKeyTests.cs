using Microsoft.Extensions.AI;
using RefineMemory.Embed;

namespace RefineMemory.Tests.Embed;

/// <summary>The disk cache misses when anything that decides a vector changes: the generator's fingerprint or the purpose.</summary>
public sealed class DiskCachingKeyTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "refine-cache-key-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_changed_fingerprint_or_purpose_misses_and_the_same_hits()
    {
        var first = new CountingGenerator("model-a|pooling=cls|prefix=q: ");
        var cache = new DiskCachingEmbeddingGenerator(first, _directory);
        await cache.GenerateAsync(["hello"]);
        await cache.GenerateAsync(["hello"]);
        Assert.Equal(1, first.Calls);
        await cache.GenerateAsync(["hello"], EmbeddingPurposes.ForQueries());
        Assert.Equal(2, first.Calls);

        // Same model id, another fingerprint (for example another query prefix or pooling): a miss, not the old vector.
        var second = new CountingGenerator("model-a|pooling=mean|prefix=");
        await new DiskCachingEmbeddingGenerator(second, _directory).GenerateAsync(["hello"]);
        Assert.Equal(1, second.Calls);
        var same = new CountingGenerator("model-a|pooling=cls|prefix=q: ");
        await new DiskCachingEmbeddingGenerator(same, _directory).GenerateAsync(["hello"]);
        Assert.Equal(0, same.Calls);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private sealed class CountingGenerator(string fingerprint) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public int Calls { get; private set; }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            float bias = EmbeddingPurposes.Of(options) == EmbeddingPurpose.Query ? 1 : 0;
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(new float[] { v.Length, bias }))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbedderFingerprint) ? new EmbedderFingerprint(fingerprint)
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, "model-a", 2)
            : null;

        public void Dispose() { }
    }
}
