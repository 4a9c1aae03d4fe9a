using RefineMemory.Judge;

namespace RefineMemory.Tests.Judge;

public sealed class CachingRelevanceJudgeTests
{
    private static readonly JudgeCacheScope Scope = new("gold", "v1");

    private static GoldJudge Gold() => new((_, id) => id == "missing" ? null : 0.75f);

    [Fact]
    public async Task Hits_are_counted_and_keys_depend_on_document_text_not_id()
    {
        var cache = new InMemoryJudgeCache();
        var judge = new CachingRelevanceJudge(Gold(), cache, Scope);
        JudgeDocument[] docs = [new("a", "alpha"), new("missing", "beta")];

        var first = await judge.JudgeAsync(new JudgeRequest("q", docs, "task"));
        var second = await judge.JudgeAsync(new JudgeRequest("q", docs, "task"));
        var edited = await judge.JudgeAsync(new JudgeRequest("q", [new("a", "alpha, edited")], "task"));
        var otherInstruction = await judge.JudgeAsync(new JudgeRequest("q", docs[..1], "another task"));

        Assert.Equal((0, 1), (first.Diagnostics.CacheHits, second.Diagnostics.CacheHits));
        Assert.Equal(3, cache.Count); // "alpha" under two instructions and the edited text; never the failure
        Assert.Equal(0, edited.Diagnostics.CacheHits);
        Assert.Equal(0, otherInstruction.Diagnostics.CacheHits);
        Assert.Equal(JudgeFailureKind.MissingLabel, second.Judgments[1].Failure!.Kind);
    }

    [Fact]
    public async Task A_broken_cache_slows_judging_but_does_not_fail_it()
    {
        var judge = new CachingRelevanceJudge(Gold(), new BrokenCache(), Scope);

        var result = await judge.JudgeAsync(new JudgeRequest("q", [new("a", "alpha")]));

        Assert.Equal(0.75f, result.Judgments[0].Score);
        Assert.Equal(0, result.Diagnostics.CacheHits);
    }

    [Fact]
    public async Task Cancellation_is_not_swallowed()
    {
        var judge = new CachingRelevanceJudge(Gold(), new InMemoryJudgeCache(), Scope);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => judge.JudgeAsync(new JudgeRequest("q", [new("a", "alpha")]), cts.Token));
    }

    [Fact]
    public async Task An_inner_judge_answering_out_of_order_fails_and_caches_nothing()
    {
        var cache = new InMemoryJudgeCache();
        var judge = new CachingRelevanceJudge(new ReversingJudge(), cache, Scope);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => judge.JudgeAsync(new JudgeRequest("q", [new("a", "alpha"), new("b", "beta")])));

        Assert.Contains("'b'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, cache.Count);
    }

    private sealed class ReversingJudge : IRelevanceJudge
    {
        public Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new JudgeResult(request.Documents.Reverse().Select((d, i) => RelevanceJudgment.Scored(d.Id, i)).ToArray()));
    }

    private sealed class BrokenCache : IJudgeCache
    {
        public Task<IReadOnlyList<float?>> GetManyAsync(IReadOnlyList<JudgeCacheKey> keys, CancellationToken cancellationToken = default) =>
            throw new IOException("database is locked");

        public Task SetManyAsync(IReadOnlyList<KeyValuePair<JudgeCacheKey, float>> entries, CancellationToken cancellationToken = default) =>
            throw new IOException("database is locked");
    }
}
