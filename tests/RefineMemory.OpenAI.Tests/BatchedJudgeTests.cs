using Microsoft.Extensions.AI;
using RefineMemory.Judge;
using RefineMemory.Testing;
using static RefineMemory.OpenAI.Tests.JudgeTestKit;

namespace RefineMemory.OpenAI.Tests;

/// <summary>
/// Batched judging (<see cref="ChatRelevanceJudgeOptions.BatchSize"/>) against the loopback server: one call per batch,
/// scores from the logprobs at each answer line, and every document the answer does not cover exactly once fails.
/// </summary>
public sealed class BatchedJudgeTests
{
    private static ChatRelevanceJudgeOptions Batched(int size, ChatJudgeMode mode = ChatJudgeMode.Auto)
    {
        var options = FastOptions(mode);
        options.BatchSize = size;
        return options;
    }

    private static async Task<JudgeResult> JudgeAsync(LoopbackOpenAIServer server, ChatRelevanceJudgeOptions options, params JudgeDocument[] docs) =>
        await NewJudge(server, options).JudgeAsync(new JudgeRequest(Query, docs, "Find help articles."));

    [Fact]
    public async Task A_well_formed_answer_scores_every_document_from_its_own_logprobs_in_one_call_per_batch()
    {
        await using var server = await StartAsync();
        var docs = Documents(relevant: 4, irrelevant: 5, unlabelled: 1);

        var result = await JudgeAsync(server, Batched(5), docs);

        Assert.Equal(docs.Select(d => d.Id), result.Judgments.Select(j => j.DocumentId));
        foreach (var j in result.Judgments.Where(j => !j.DocumentId.StartsWith("unk", StringComparison.Ordinal)))
        {
            Assert.Equal(j.DocumentId.StartsWith("rel", StringComparison.Ordinal) ? Relevant : Irrelevant, j.Score!.Value, 4);
        }

        Assert.Equal(JudgeFailureKind.NoYesNoProbability, ById(result)["unk-0"].Failure!.Kind);
        Assert.Contains("document [5]", ById(result)["unk-0"].Failure!.Message, StringComparison.Ordinal);
        var d = result.Diagnostics;
        Assert.Equal((9, 1, 2, 0), (d.Judged, d.Failed, d.Calls, d.Retries));
        Assert.Equal(2, server.ChatRequests);
        Assert.All(server.ChatLog, r =>
        {
            Assert.Equal(5, r.Batch!.Documents.Count);
            Assert.Equal("Find help articles.", r.Batch.Instruction);
            Assert.True(r.LogprobsRequested);
            Assert.Equal((5, 5 * 9, 7L, 0.0), (r.TopLogprobs, r.MaxTokens, r.Seed, r.Temperature));
        });
        // Every document was sent exactly once.
        Assert.Equal(docs.Select(x => x.Text).Order(StringComparer.Ordinal), server.ChatLog.SelectMany(r => r.Batch!.Documents).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_reordered_answer_is_read_by_number_not_by_place()
    {
        await using var server = await StartAsync();
        server.BatchLines = (_, lines) => lines.Reverse().ToArray();
        // Not a palindrome: read by place, the reversed answer would put document [1]'s "Yes" on document [4].
        var docs = new[] { Doc("rel-0"), Doc("irr-0"), Doc("irr-1"), Doc("irr-2") };

        var result = await JudgeAsync(server, Batched(4), docs);

        Assert.Equal([Relevant, Irrelevant, Irrelevant, Irrelevant], result.Judgments.Select(j => (double)j.Score!.Value), new Tolerance(1e-4));
        Assert.Equal(1, result.Diagnostics.Calls);
    }

    [Fact]
    public async Task A_partial_answer_fails_the_documents_it_leaves_out_and_scores_the_rest()
    {
        await using var server = await StartAsync();
        server.BatchLines = (_, lines) => lines.Where((_, i) => i != 1).ToArray();

        var result = await JudgeAsync(server, Batched(3), Doc("rel-0"), Doc("irr-0"), Doc("rel-1"));

        var byId = ById(result);
        Assert.Equal(Relevant, byId["rel-0"].Score!.Value, 4);
        Assert.Equal(Relevant, byId["rel-1"].Score!.Value, 4);
        Assert.Null(byId["irr-0"].Score);
        Assert.Equal(JudgeFailureKind.MalformedResponse, byId["irr-0"].Failure!.Kind);
        Assert.Contains("no line for document [2]", byId["irr-0"].Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_cut_off_at_the_token_limit_fails_the_documents_after_the_cut()
    {
        await using var server = await StartAsync();
        // A chatty preamble of 28 tokens eats most of the budget of 4 x 9: line [1] arrives, line [2] is cut after "[2]".
        server.BatchLines = (_, lines) => ["Sure, here is my careful judgement of each of the four documents you gave me below, one line per document, as you asked me to do today", .. lines];
        var docs = Documents(relevant: 2, irrelevant: 2);

        var result = await JudgeAsync(server, Batched(4), docs);

        Assert.Equal(Relevant, result.Judgments[0].Score!.Value, 4);
        Assert.All(result.Judgments.Skip(1), j => Assert.Equal(JudgeFailureKind.MalformedResponse, j.Failure!.Kind));
        Assert.All(result.Judgments.Where(j => !j.Succeeded), j => Assert.Null(j.Score));
    }

    [Fact]
    public async Task A_document_answered_twice_fails_as_ambiguous_even_when_the_lines_agree()
    {
        await using var server = await StartAsync();
        server.BatchLines = (_, lines) => [.. lines, lines[2], lines[0].Replace("Yes", "No", StringComparison.Ordinal)];

        var result = await JudgeAsync(server, Batched(3), Doc("rel-0"), Doc("irr-0"), Doc("irr-1"));

        var byId = ById(result);
        Assert.Equal(Irrelevant, byId["irr-0"].Score!.Value, 4);
        Assert.Contains("2 lines for document [1]", byId["rel-0"].Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("2 lines for document [3]", byId["irr-1"].Failure!.Message, StringComparison.Ordinal);
        Assert.Equal((1, 2), (result.Diagnostics.Judged, result.Diagnostics.Failed));
    }

    [Fact]
    public async Task A_malformed_answer_scores_nothing()
    {
        await using var server = await StartAsync();
        server.BatchLines = (r, lines) => r.Sequence == 1 ? ["I cannot judge these documents."] : [lines[0], "[2] Perhaps", "[9] Yes"];
        var options = Batched(3);
        options.MaxParallelism = 1;

        var result = await JudgeAsync(server, options, Documents(relevant: 3, irrelevant: 3));

        Assert.All(result.Judgments.Take(3), j => Assert.Equal(JudgeFailureKind.MalformedResponse, j.Failure!.Kind));
        Assert.Equal(Irrelevant, result.Judgments[3].Score!.Value, 4);
        Assert.Equal(JudgeFailureKind.NoYesNoProbability, result.Judgments[4].Failure!.Kind);
        Assert.Contains("no line for document [3]", result.Judgments[5].Failure!.Message, StringComparison.Ordinal);
        Assert.Equal((1, 5, 2), (result.Diagnostics.Judged, result.Diagnostics.Failed, result.Diagnostics.Calls));
    }

    [Fact]
    public async Task Without_logprobs_auto_mode_falls_back_to_batched_ratings_once_and_stays_there()
    {
        await using var server = await StartAsync();
        server.Faults = r => r.LogprobsRequested ? LoopbackFault.NoLogprobs() : null;
        var options = Batched(3);
        options.MaxParallelism = 1;
        var judge = NewJudge(server, options);

        var result = await judge.JudgeAsync(new JudgeRequest(Query, Documents(relevant: 2, irrelevant: 3, unlabelled: 1)));

        Assert.Equal([0.9f, 0.9f, 0.1f, 0.1f, 0.1f], result.Judgments.Take(5).Select(j => j.Score!.Value));
        Assert.Contains("0-100 rating for document [3]", result.Judgments[5].Failure!.Message, StringComparison.Ordinal);
        Assert.True(judge.UsesVerbalizedFallback);
        Assert.Equal((3, 1), (result.Diagnostics.Calls, result.Diagnostics.VerbalizedFallbacks));
        Assert.Equal([false, true, true], server.ChatLog.Select(r => r.Batch!.IsVerbalized));
    }

    [Fact]
    public async Task Logprobs_only_mode_fails_a_batch_without_logprobs_instead_of_guessing()
    {
        await using var server = await StartAsync();
        server.EnqueueFaults(LoopbackFault.NoLogprobs());

        var result = await JudgeAsync(server, Batched(2, ChatJudgeMode.YesNoLogprobs), Doc("rel-0"), Doc("irr-0"));

        Assert.All(result.Judgments, j => Assert.Equal(JudgeFailureKind.NoYesNoProbability, j.Failure!.Kind));
        Assert.Equal(1, server.ChatRequests);
    }

    [Fact]
    public async Task Verbalized_batches_fail_ratings_out_of_range()
    {
        await using var server = await StartAsync();
        server.BatchLines = (_, lines) => [lines[0], "[2] 150"];

        var result = await JudgeAsync(server, Batched(2, ChatJudgeMode.Verbalized), Doc("rel-0"), Doc("irr-0"));

        Assert.Equal(0.9f, result.Judgments[0].Score);
        Assert.Equal(JudgeFailureKind.MalformedResponse, result.Judgments[1].Failure!.Kind);
        Assert.False(server.ChatLog[0].LogprobsRequested);
    }

    [Fact]
    public async Task A_failed_call_fails_its_batch_only_and_a_lone_remainder_gets_the_single_prompt()
    {
        await using var server = await StartAsync();
        server.Faults = r => r.Batch?.Documents.Contains(Doc("rel-0").Text) == true ? LoopbackFault.Status(400) : null;

        var result = await JudgeAsync(server, Batched(2), Documents(relevant: 3, irrelevant: 2));

        var byId = ById(result);
        Assert.Equal(JudgeFailureKind.RequestRejected, byId["rel-0"].Failure!.Kind);
        Assert.Equal(JudgeFailureKind.RequestRejected, byId["rel-1"].Failure!.Kind);
        Assert.Equal(Relevant, byId["rel-2"].Score!.Value, 4);
        Assert.Equal(Irrelevant, byId["irr-1"].Score!.Value, 4);
        Assert.Equal(3, result.Diagnostics.Calls);
        Assert.Single(server.ChatLog, r => r.Judge is not null && r.Batch is null);
    }

    [Fact]
    public async Task A_plain_library_client_we_never_wrapped_is_batched_with_logprobs_too()
    {
        await using var server = await StartAsync();
        using IChatClient plain = new global::OpenAI.OpenAIClient(new System.ClientModel.ApiKeyCredential("k"), new global::OpenAI.OpenAIClientOptions { Endpoint = server.BaseUri })
            .GetChatClient("plain-model").AsIChatClient();

        var result = await new ChatRelevanceJudge(plain, Batched(4, ChatJudgeMode.YesNoLogprobs)).JudgeAsync(new JudgeRequest(Query, Documents(relevant: 2, irrelevant: 2)));

        Assert.Equal([Relevant, Relevant, Irrelevant, Irrelevant], result.Judgments.Select(j => (double)j.Score!.Value), new Tolerance(1e-4));
        Assert.Equal(1, server.ChatRequests);
    }

    [Fact]
    public void Batched_scores_are_cached_apart_and_the_batch_size_is_validated()
    {
        using var chat = new OpenAICompatibleChatClient(new ChatModelSettings(new Uri("http://127.0.0.1:1/v1"), "m", null));

        Assert.Equal("yesno-v1", new ChatRelevanceJudge(chat).CacheScope.PromptVersion);
        Assert.Equal("yesno-v1+batch5", new ChatRelevanceJudge(chat, Batched(5)).CacheScope.PromptVersion);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChatRelevanceJudge(chat, Batched(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChatRelevanceJudge(chat, Batched(ChatRelevanceJudgeOptions.MaxBatchSize + 1)));
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
