using Microsoft.Extensions.AI;
using RefineMemory.Agents;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Refine;
using RefineMemory.Search;

namespace RefineMemory.Sqlite.Tests;

/// <summary>The judge budget and the numeric bounds, through the pipeline every entry point uses.</summary>
public sealed class JudgeBudgetTests
{
    /// <summary>Answers the first <c>answered</c> documents at once, then hangs (optionally deaf to cancellation).</summary>
    private sealed class HangingJudge(int answered, bool ignoreCancellation) : IRelevanceJudge
    {
        public async Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < Math.Min(answered, request.Documents.Count); i++)
            {
                request.Progress?.Report(RelevanceJudgment.Scored(request.Documents[i].Id, i % 2));
            }

            await Task.Delay(Timeout.Infinite, ignoreCancellation ? CancellationToken.None : cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private static async Task<RefinedSearch> SearchOverAsync(TempDatabase db, IRelevanceJudge judge, RefinedSearchOptions? options = null)
    {
        var embedder = new HashingEmbedder(32);
        var store = db.Open(embedder);
        await store.IngestAsync("c", [.. Enumerable.Range(0, 30).Select(i => new MemoryDocument($"d{i}", $"topic {i % 4} text number {i}"))]);
        return new RefinedSearch(store, embedder, judge, options);
    }

    [Fact]
    public async Task When_the_budget_runs_out_the_search_refines_on_what_was_judged_and_says_so()
    {
        using var db = new TempDatabase();
        var search = await SearchOverAsync(db, new HangingJudge(8, ignoreCancellation: true));
        var progress = new List<JudgeProgress>();
        var result = await search.SearchAsync("c", "topic 1", request: new() { JudgeBudget = TimeSpan.FromSeconds(1), JudgeProgress = new Collect<JudgeProgress>(progress) })
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Diagnostics.Refined, result.Diagnostics.SkippedReason);
        Assert.Contains("judge budget of 1 s ran out with 8 of 20", result.Diagnostics.Note, StringComparison.Ordinal);
        Assert.Equal(8, result.Diagnostics.Judged.Count(j => j.Score.HasValue));
        Assert.Equal(12, result.Diagnostics.Judged.Count(j => j.Failure?.StartsWith("Timeout", StringComparison.Ordinal) == true));
        Assert.Equal(8, progress.Count);
        Assert.Contains("judge budget", RefinedSearchFunction.ToJson(result).GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_too_few_judged_in_the_budget_the_search_is_unrefined_with_a_note()
    {
        using var db = new TempDatabase();
        var search = await SearchOverAsync(db, new HangingJudge(2, ignoreCancellation: false),
            new RefinedSearchOptions { Refinement = new RefinementOptions { JudgeBudget = TimeSpan.FromMilliseconds(500) } });
        var result = await search.SearchAsync("c", "topic 1").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(result.Diagnostics.Refined);
        Assert.Contains("only 2 of 20", result.Diagnostics.SkippedReason, StringComparison.Ordinal);
        Assert.Contains("judge budget", result.Diagnostics.SkippedReason, StringComparison.Ordinal);
        Assert.Equal(10, result.Hits.Count);
    }

    [Fact]
    public void Absurd_numbers_are_refused_up_front()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefinementOptions { Steps = int.MaxValue }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefinementOptions { LearningRate = 1e10 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefinementOptions { LearningRate = 1e308 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefinementOptions { FeedbackCount = 100_000 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefinementOptions { JudgeBudget = TimeSpan.Zero }.Validate());
        new RefinementOptions { Steps = RefinementOptions.MaxSteps, LearningRate = RefinementOptions.MaxLearningRate, FeedbackCount = RefinementOptions.MaxFeedbackCount }.Validate();
    }

    [Fact]
    public async Task A_positive_logprob_fails_the_judgment_instead_of_scoring_above_one()
    {
        var judge = new ChatRelevanceJudge(new LogprobChat(0.7), new ChatRelevanceJudgeOptions { MaxRetries = 0 });
        var result = await judge.JudgeAsync(new JudgeRequest("q", [new JudgeDocument("d", "text")]));
        Assert.Null(result.Judgments[0].Score);
        Assert.Equal(JudgeFailureKind.MalformedResponse, result.Judgments[0].Failure!.Kind);
        Assert.Contains("probability above 1", result.Judgments[0].Failure!.Message, StringComparison.Ordinal);

        var sane = await new ChatRelevanceJudge(new LogprobChat(-0.1)).JudgeAsync(new JudgeRequest("q", [new JudgeDocument("d", "text")]));
        Assert.NotNull(sane.Judgments[0].Score);
    }

    [Fact]
    public async Task A_non_string_filter_value_is_an_argument_error()
    {
        using var db = new TempDatabase();
        var search = await SearchOverAsync(db, new HangingJudge(20, false));
        var tool = new RefinedSearchFunction(search);
        var json = System.Text.Json.JsonDocument.Parse("""{"query": "topic", "collection": "c", "filter": {"n": 5}}""").RootElement;
        var args = new AIFunctionArguments(json.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value));
        var ex = await Assert.ThrowsAsync<ToolArgumentException>(() => tool.InvokeAsync(args).AsTask());
        Assert.Contains("tags are strings", ex.Message, StringComparison.Ordinal);
    }

    private sealed class Collect<T>(List<T> into) : IProgress<T>
    {
        public void Report(T value)
        {
            lock (into)
            {
                into.Add(value);
            }
        }
    }

    /// <summary>A chat model answering "Yes" with the given logprob for it.</summary>
    private sealed class LogprobChat(double yesLogprob) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            IReadOnlyList<GeneratedTokenLogprobs> tokens = [new GeneratedTokenLogprobs("Yes", yesLogprob, [new TokenLogprob("Yes", yesLogprob), new TokenLogprob("No", -2.5)])];
            var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "Yes"))
            {
                AdditionalProperties = new() { [ChatLogprobs.ResponseKey] = tokens },
            };
            return Task.FromResult(response);
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
