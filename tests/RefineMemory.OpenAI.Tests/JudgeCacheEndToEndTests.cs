using RefineMemory.Judge;
using RefineMemory.Sqlite;
using RefineMemory.Testing;
using static RefineMemory.OpenAI.Tests.JudgeTestKit;

namespace RefineMemory.OpenAI.Tests;

public sealed class JudgeCacheEndToEndTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("refine-judge-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_second_run_is_answered_from_the_sqlite_cache_without_model_calls_except_for_failures()
    {
        await using var server = await StartAsync();
        server.Faults = r => IdOf(r.Judge!.Value.Document) == "irr-0" ? LoopbackFault.ServerError() : null;
        var docs = Documents(relevant: 3, irrelevant: 3);
        var options = FastOptions();
        options.MaxRetries = 0;
        using var cache = new SqliteJudgeCache(Path.Combine(_folder, "judge.db"));
        var judge = new CachingRelevanceJudge(NewJudge(server, options), cache);

        var first = await judge.JudgeAsync(new JudgeRequest(Query, docs));
        int callsAfterFirst = server.ChatRequests;
        var second = await judge.JudgeAsync(new JudgeRequest(Query, docs));

        Assert.Equal((0, 5, 6), (first.Diagnostics.CacheHits, first.Diagnostics.Judged, first.Diagnostics.Calls));
        Assert.Equal((5, 5, 1), (second.Diagnostics.CacheHits, second.Diagnostics.Judged, second.Diagnostics.Calls));
        Assert.Equal(callsAfterFirst + 1, server.ChatRequests); // only the failed document is asked again
        Assert.Equal(JudgeFailureKind.ServerError, ById(second)["irr-0"].Failure!.Kind);
        Assert.Equal(ById(first)["rel-1"].Score, ById(second)["rel-1"].Score);
        Assert.Equal(5, await cache.CountAsync());

        // Another model or prompt version does not see these scores.
        options.ModelId = "another-model";
        var other = await new CachingRelevanceJudge(NewJudge(server, options), cache).JudgeAsync(new JudgeRequest(Query, docs));
        Assert.Equal(0, other.Diagnostics.CacheHits);
    }

    [Fact]
    public async Task The_judge_names_its_cache_scope_from_the_client_metadata()
    {
        await using var server = await StartAsync();
        var judge = NewJudge(server);
        Assert.Equal(new JudgeCacheScope("judge-model", "yesno-v1"), judge.CacheScope);
    }
}
