using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.OpenAI;
using RefineMemory.Search;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// The whole pipeline with a real chat judge: CLINC150 in SQLite (reopened), the judge speaking the OpenAI
/// chat-completions API over HTTP to the loopback server, which answers yes/no with logprobs from the gold labels.
/// </summary>
public sealed class LoopbackJudgeSearchTests : IClassFixture<ClincFixture>
{
    private readonly ClincFixture _clinc;

    public LoopbackJudgeSearchTests(ClincFixture clinc) => _clinc = clinc;

    private async Task<LoopbackOpenAIServer> StartServerAsync()
    {
        var intentOfText = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var u in _clinc.Data.Utterances)
        {
            intentOfText.TryAdd(u.Text, u.Intent);
        }

        var intentOfDescription = _clinc.Data.Descriptions.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = (query, text) =>
            intentOfDescription.TryGetValue(query, out var intent) && intentOfText.TryGetValue(text, out var actual) ? actual == intent : null;
        return server;
    }

    [Fact]
    public async Task Search_with_the_chat_judge_refines_and_reports_judge_scores_from_logprobs()
    {
        await using var server = await StartServerAsync();
        using var chat = new OpenAICompatibleChatClient(new ChatModelSettings(server.BaseUri, "loopback-judge"));
        var judge = new ChatRelevanceJudge(chat);
        using var store = _clinc.Reopen();
        var search = new RefinedSearch(store, _clinc.Embedder, judge);

        string intent = _clinc.Data.Descriptions.Keys.Order(StringComparer.Ordinal).ElementAt(2);
        var result = await search.SearchAsync("clinc", _clinc.Data.Descriptions[intent], 10);
        var d = result.Diagnostics;

        Assert.True(d.Refined, d.SkippedReason);
        Assert.Equal(20, d.Judged.Count);
        Assert.Equal(20, server.ChatRequests);
        double relevant = LoopbackOpenAIServer.ExpectedYesNoScore(server.RelevantYesMass);
        double irrelevant = LoopbackOpenAIServer.ExpectedYesNoScore(server.IrrelevantYesMass);
        foreach (var j in d.Judged)
        {
            var hitIntent = _clinc.Data.Utterances.First(u => u.Id + "#0" == j.Id).Intent;
            Assert.Equal(hitIntent == intent ? relevant : irrelevant, j.Score!.Value, 3);
        }

        Assert.True(d.Judge!.Calls >= 20);
        Assert.True(d.Loss[^1] < d.Loss[0]);
        Assert.Equal(Enumerable.Range(1, 10), result.Hits.Select(h => h.Rank));
        Assert.All(result.Hits, h => Assert.InRange(h.RankBefore!.Value, 1, 1000));
    }

    [Fact]
    public async Task A_search_judging_20_documents_in_batches_of_5_makes_4_chat_calls_and_keeps_the_single_prompts_scores()
    {
        await using var server = await StartServerAsync();
        using var chat = new OpenAICompatibleChatClient(new ChatModelSettings(server.BaseUri, "loopback-judge"));
        var judge = new ChatRelevanceJudge(chat, new ChatRelevanceJudgeOptions { BatchSize = 5 });
        using var store = _clinc.Reopen();
        var search = new RefinedSearch(store, _clinc.Embedder, judge);

        string intent = _clinc.Data.Descriptions.Keys.Order(StringComparer.Ordinal).ElementAt(2);
        var result = await search.SearchAsync("clinc", _clinc.Data.Descriptions[intent], 10, new RefinedVectorSearchRequest<MemoryRecord> { FeedbackCount = 20 });
        var d = result.Diagnostics;

        Assert.True(d.Refined, d.SkippedReason);
        Assert.Equal(20, d.Judged.Count);
        Assert.Equal(4, server.ChatRequests);
        Assert.Equal((4, 20), (d.JudgeCalls, d.Judgements));
        Assert.All(server.ChatLog, r => Assert.Equal(5, r.Batch!.Documents.Count));
        double relevant = LoopbackOpenAIServer.ExpectedYesNoScore(server.RelevantYesMass);
        double irrelevant = LoopbackOpenAIServer.ExpectedYesNoScore(server.IrrelevantYesMass);
        foreach (var j in d.Judged)
        {
            var hitIntent = _clinc.Data.Utterances.First(u => u.Id + "#0" == j.Id).Intent;
            Assert.Equal(hitIntent == intent ? relevant : irrelevant, j.Score!.Value, 3);
        }
    }

    [Fact]
    public async Task Judge_failures_leave_the_feedback_set_and_the_result_says_so()
    {
        await using var server = await StartServerAsync();
        server.Faults = r => r.Prompt.Contains("balance", StringComparison.OrdinalIgnoreCase) ? LoopbackFault.Status(400) : null;
        using var chat = new OpenAICompatibleChatClient(new ChatModelSettings(server.BaseUri, "loopback-judge"));
        var judge = new ChatRelevanceJudge(chat); // 400 is not retried
        using var store = _clinc.Reopen();
        var search = new RefinedSearch(store, _clinc.Embedder, judge);

        string intent = _clinc.Data.Descriptions.Keys.Order(StringComparer.Ordinal).First(k => _clinc.Data.Descriptions[k].Contains("balance", StringComparison.OrdinalIgnoreCase));
        var result = await search.SearchAsync("clinc", _clinc.Data.Descriptions[intent]);
        Assert.False(result.Diagnostics.Refined);
        Assert.Contains("only 0 of 20", result.Diagnostics.SkippedReason, StringComparison.Ordinal);
        Assert.All(result.Diagnostics.Judged, j => Assert.StartsWith("RequestRejected", j.Failure, StringComparison.Ordinal));
        Assert.All(result.Hits, h => Assert.Equal(h.Rank, h.RankBefore));
    }
}
