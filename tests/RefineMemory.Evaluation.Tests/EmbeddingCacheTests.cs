using RefineMemory.Evaluation.Protocol;
using RefineMemory.Evaluation.Tests.Support;

namespace RefineMemory.Evaluation.Tests;

public sealed class EmbeddingCacheTests
{
    [Fact]
    public async Task A_second_run_reads_the_cache_and_gives_the_same_vectors()
    {
        var slice = SharedSets.ArgKp21.Take(3);
        var cache = new EmbeddingMatrixCache(TempFiles.NewDirectory());
        var embedder = new HashingEmbeddingGenerator();
        var (first, hit1) = await cache.GetOrEmbedAsync("hash", embedder, slice, true);
        int seen = embedder.TextsSeen;
        var (second, hit2) = await cache.GetOrEmbedAsync("hash", embedder, slice, true);
        Assert.False(hit1);
        Assert.True(hit2);
        Assert.Equal(seen, embedder.TextsSeen);
        for (int q = 0; q < slice.Queries.Count; q++)
        {
            Assert.Equal(first.Query(q).ToArray(), second.Query(q).ToArray());
        }

        Assert.Equal(first.Document(slice.Queries[2].Pool[5]).ToArray(), second.Document(slice.Queries[2].Pool[5]).ToArray());
    }

    [Fact]
    public async Task Changing_only_the_queries_reuses_the_document_file()
    {
        var slice = SharedSets.ArgKp21.Take(3);
        var cache = new EmbeddingMatrixCache(TempFiles.NewDirectory());
        var embedder = new HashingEmbeddingGenerator();
        await cache.GetOrEmbedAsync("hash", embedder, slice, true);
        int seen = embedder.TextsSeen;
        var (_, hit) = await cache.GetOrEmbedAsync("hash", embedder, slice, useInstructions: false);
        Assert.False(hit);
        Assert.Equal(seen + 3, embedder.TextsSeen); // only the three queries again
    }

    [Fact]
    public async Task A_different_embedder_id_or_a_damaged_file_misses_the_cache()
    {
        var slice = SharedSets.ArgKp21.Take(2);
        string dir = TempFiles.NewDirectory();
        var cache = new EmbeddingMatrixCache(dir);
        var embedder = new HashingEmbeddingGenerator();
        await cache.GetOrEmbedAsync("hash", embedder, slice, true);
        var (_, otherModel) = await cache.GetOrEmbedAsync("other", embedder, slice, true);
        Assert.False(otherModel);

        foreach (string f in Directory.GetFiles(dir, "*documents*"))
        {
            File.WriteAllBytes(f, new byte[10]);
        }

        var (again, hit) = await cache.GetOrEmbedAsync("hash", embedder, slice, true);
        Assert.False(hit);
        Assert.Equal(1f, MathF.Sqrt(again.Document(slice.Queries[0].Pool[0]).ToArray().Sum(x => x * x)), 4);
    }
}
