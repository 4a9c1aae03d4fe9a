using RefineMemory.Embed;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Evaluation.Tests.Support;

namespace RefineMemory.Evaluation.Tests;

/// <summary>An evaluation set embedded through the one embedding cache (<see cref="DiskCachingEmbeddingGenerator"/>), as <c>refine eval</c> does.</summary>
public sealed class EmbeddingCacheTests
{
    [Fact]
    public async Task A_second_run_reads_the_cache_and_gives_the_same_vectors()
    {
        var slice = SharedSets.ArgKp21.Take(3);
        string dir = TempFiles.NewDirectory();
        var embedder = new HashingEmbeddingGenerator();
        var first = await DatasetEmbedder.EmbedAsync(new DiskCachingEmbeddingGenerator(embedder, dir, "hash"), slice);
        int seen = embedder.TextsSeen;
        var cached = new DiskCachingEmbeddingGenerator(embedder, dir, "hash");
        var second = await DatasetEmbedder.EmbedAsync(cached, slice);
        Assert.True(seen > 0);
        Assert.Equal(seen, embedder.TextsSeen);
        Assert.Equal(0, cached.Misses);
        for (int q = 0; q < slice.Queries.Count; q++)
        {
            Assert.Equal(first.Query(q).ToArray(), second.Query(q).ToArray());
        }

        Assert.Equal(first.Document(slice.Queries[2].Pool[5]).ToArray(), second.Document(slice.Queries[2].Pool[5]).ToArray());
    }

    [Fact]
    public async Task Changing_only_the_queries_embeds_only_the_queries()
    {
        var slice = SharedSets.ArgKp21.Take(3);
        string dir = TempFiles.NewDirectory();
        var embedder = new HashingEmbeddingGenerator();
        await DatasetEmbedder.EmbedAsync(new DiskCachingEmbeddingGenerator(embedder, dir, "hash"), slice, useInstructions: true);
        int seen = embedder.TextsSeen;
        await DatasetEmbedder.EmbedAsync(new DiskCachingEmbeddingGenerator(embedder, dir, "hash"), slice, useInstructions: false);
        Assert.Equal(seen + 3, embedder.TextsSeen); // only the three queries again
    }

    [Fact]
    public async Task A_different_model_id_or_a_damaged_entry_misses_the_cache()
    {
        var slice = SharedSets.ArgKp21.Take(2);
        string dir = TempFiles.NewDirectory();
        var embedder = new HashingEmbeddingGenerator();
        var first = new DiskCachingEmbeddingGenerator(embedder, dir, "hash");
        await DatasetEmbedder.EmbedAsync(first, slice);
        string[] entries = Directory.GetFiles(dir, "*", SearchOption.AllDirectories);
        var other = new DiskCachingEmbeddingGenerator(embedder, dir, "other");
        await DatasetEmbedder.EmbedAsync(other, slice);
        Assert.Equal(0, other.Hits);

        Assert.Equal(first.Misses, entries.Length);
        foreach (string f in entries)
        {
            File.WriteAllBytes(f, new byte[10]);
        }

        var again = new DiskCachingEmbeddingGenerator(embedder, dir, "hash");
        var embeddings = await DatasetEmbedder.EmbedAsync(again, slice);
        Assert.Equal(0, again.Hits);
        Assert.Equal(1f, MathF.Sqrt(embeddings.Document(slice.Queries[0].Pool[0]).ToArray().Sum(x => x * x)), 4);
    }
}
