using RefineMemory.Judge;

namespace RefineMemory.Sqlite.Tests;

public sealed class JudgeCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("refine-judge-cache-").FullName;

    private string DbPath => Path.Combine(_folder, "cache.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static JudgeCacheKey Key(string model = "m", string version = "v1", string instruction = "", string query = "q", string text = "doc") =>
        new(model, version, instruction, query, JudgeCacheKey.HashDocument(text));

    [Fact]
    public async Task Stores_and_finds_scores_by_every_part_of_the_key()
    {
        using var cache = new SqliteJudgeCache(DbPath);
        await cache.SetManyAsync([new(Key(), 0.75f)]);

        var found = await cache.GetManyAsync([Key(), Key(model: "m2"), Key(version: "v2"), Key(instruction: "i"), Key(query: "q2"), Key(text: "doc!")]);

        Assert.Equal(new float?[] { 0.75f, null, null, null, null, null }, found);
    }

    [Fact]
    public async Task Scores_survive_a_new_cache_instance_and_are_replaced_on_rewrite()
    {
        using (var first = new SqliteJudgeCache(DbPath))
        {
            await first.SetManyAsync([new(Key(), 0.25f), new(Key(query: "other"), 1f)]);
        }

        using var second = new SqliteJudgeCache(DbPath);
        Assert.Equal(0.25f, (await second.GetManyAsync([Key()]))[0]);

        await second.SetManyAsync([new(Key(), 0.5f)]);
        Assert.Equal(0.5f, (await second.GetManyAsync([Key()]))[0]);
        Assert.Equal(2, await second.CountAsync());
    }

    [Fact]
    public async Task Parallel_writers_and_readers_do_not_collide()
    {
        using var cache = new SqliteJudgeCache(DbPath);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            await cache.SetManyAsync([new(Key(query: $"q{i}"), i / 16f)]);
            Assert.Equal(i / 16f, (await cache.GetManyAsync([Key(query: $"q{i}")]))[0]);
        })));
        Assert.Equal(16, await cache.CountAsync());
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        string path = Path.Combine(_folder, "absent", "cache.db");
        var error = Assert.Throws<DirectoryNotFoundException>(() => new SqliteJudgeCache(path));
        Assert.Contains(Path.Combine(_folder, "absent"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_caching_judge_answers_repeats_from_sqlite_and_never_caches_failures()
    {
        var labels = new Dictionary<(string, string), float> { [("q", "a")] = 1f, [("q", "b")] = 0f };
        var inner = new CountingJudge(GoldJudge.FromLabels(labels));
        var docs = new[] { new JudgeDocument("a", "text a"), new JudgeDocument("b", "text b"), new JudgeDocument("c", "text c") };
        using var cache = new SqliteJudgeCache(DbPath);
        var judge = new CachingRelevanceJudge(inner, cache, new JudgeCacheScope("gold", "v1"));

        var first = await judge.JudgeAsync(new JudgeRequest("q", docs));
        var second = await judge.JudgeAsync(new JudgeRequest("q", docs));

        Assert.Equal((0, 2, 1), (first.Diagnostics.CacheHits, first.Diagnostics.Judged, first.Diagnostics.Failed));
        Assert.Equal((2, 2, 1), (second.Diagnostics.CacheHits, second.Diagnostics.Judged, second.Diagnostics.Failed));
        Assert.Equal(first.Judgments.Select(j => j.ToString()), second.Judgments.Select(j => j.ToString()));
        Assert.Equal(JudgeFailureKind.MissingLabel, second.Judgments[2].Failure!.Kind);
        Assert.Equal(new[] { 3, 1 }, inner.DocumentsAsked); // the failed "c" is asked again, the others are not
        Assert.Equal(2, await cache.CountAsync());
    }

    private sealed class CountingJudge(IRelevanceJudge inner) : IRelevanceJudge
    {
        public List<int> DocumentsAsked { get; } = [];

        public Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
        {
            DocumentsAsked.Add(request.Documents.Count);
            return inner.JudgeAsync(request, cancellationToken);
        }
    }
}
