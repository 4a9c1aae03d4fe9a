using RefineMemory.Judge;
using RefineMemory.Testing;
using static RefineMemory.OpenAI.Tests.JudgeTestKit;

namespace RefineMemory.OpenAI.Tests;

public sealed class ChatRelevanceJudgeTests
{
    [Fact]
    public async Task Scores_are_the_yes_share_of_the_logprobs_and_follow_the_gold_labels()
    {
        await using var server = await StartAsync();
        var judge = NewJudge(server);
        var docs = Documents(relevant: 3, irrelevant: 4);

        var result = await judge.JudgeAsync(new JudgeRequest(Query, docs, "Find help articles."));

        Assert.Equal(docs.Select(d => d.Id), result.Judgments.Select(j => j.DocumentId));
        foreach (var j in result.Judgments)
        {
            double expected = j.DocumentId.StartsWith("rel", StringComparison.Ordinal) ? Relevant : Irrelevant;
            Assert.Equal(expected, j.Score!.Value, 4);
        }

        var d = result.Diagnostics;
        Assert.Equal((7, 0, 7, 0), (d.Judged, d.Failed, d.Calls, d.Retries));
        Assert.Equal(7, d.CallLatencies.Count);
        Assert.True(d.InputTokens > 7 && d.OutputTokens == 14, $"tokens in {d.InputTokens}, out {d.OutputTokens}");

        // The request is the paper's: logprobs with top 5, at most 5 tokens, temperature 0, the seed, the instruction.
        var sent = server.ChatLog;
        Assert.All(sent, r =>
        {
            Assert.True(r.LogprobsRequested);
            Assert.Equal((5, 5, 7L, 0.0), (r.TopLogprobs, r.MaxTokens, r.Seed, r.Temperature));
            Assert.Equal("Find help articles.", r.Judge!.Value.Instruction);
            Assert.EndsWith("Relevant? (Yes/No):", r.Prompt, StringComparison.Ordinal);
            Assert.Equal("Bearer test-key", r.Authorization);
        });
    }

    [Theory]
    [InlineData(" Yes", 0.95)]
    [InlineData("YES", 0.95)]
    [InlineData("yes.", 0.95)]
    [InlineData("yesterday", 0.0)]
    public async Task Yes_token_variants_count_but_words_that_merely_start_with_yes_do_not(string token, double expected)
    {
        await using var server = await StartAsync();
        server.EnqueueFaults(LoopbackFault.FirstToken(token));

        var result = await NewJudge(server).JudgeAsync(new JudgeRequest(Query, [Doc("rel-0")]));

        Assert.Equal(expected, result.Judgments[0].Score!.Value, 4);
    }

    [Fact]
    public async Task Rate_limits_and_server_errors_are_retried_until_they_pass()
    {
        await using var server = await StartAsync();
        server.Faults = r => r.Attempt > 2 ? null : IdOf(r.Judge!.Value.Document) switch
        {
            "rel-0" => LoopbackFault.RateLimited(retryAfterSeconds: 0),
            "irr-0" => LoopbackFault.ServerError(503),
            _ => null,
        };
        var docs = Documents(relevant: 2, irrelevant: 2);

        var result = await NewJudge(server).JudgeAsync(new JudgeRequest(Query, docs));

        Assert.All(result.Judgments, j => Assert.True(j.Succeeded, j.ToString()));
        Assert.Equal(Relevant, ById(result)["rel-0"].Score!.Value, 4);
        Assert.Equal(Irrelevant, ById(result)["irr-0"].Score!.Value, 4);
        Assert.Equal((4, 8), (result.Diagnostics.Retries, result.Diagnostics.Calls));
        Assert.Equal(8, server.ChatRequests);
    }

    [Fact]
    public async Task Documents_that_keep_failing_get_typed_failures_and_no_score_while_the_others_are_scored()
    {
        await using var server = await StartAsync();
        server.Faults = r => IdOf(r.Judge!.Value.Document) switch
        {
            "rel-1" => LoopbackFault.ServerError(),
            "rel-2" => LoopbackFault.RateLimited(),
            "irr-1" => LoopbackFault.MalformedJson(),
            "irr-2" => LoopbackFault.EmptyChoices(),
            "irr-3" => LoopbackFault.Status(400),
            _ => null,
        };
        var options = FastOptions();
        options.MaxRetries = 2;

        var result = await NewJudge(server, options).JudgeAsync(new JudgeRequest(Query, Documents(relevant: 3, irrelevant: 4)));

        var byId = ById(result);
        Assert.Equal(JudgeFailureKind.ServerError, byId["rel-1"].Failure!.Kind);
        Assert.Equal(JudgeFailureKind.RateLimited, byId["rel-2"].Failure!.Kind);
        Assert.Equal(JudgeFailureKind.MalformedResponse, byId["irr-1"].Failure!.Kind);
        Assert.Equal(JudgeFailureKind.MalformedResponse, byId["irr-2"].Failure!.Kind);
        Assert.Equal(JudgeFailureKind.RequestRejected, byId["irr-3"].Failure!.Kind);
        Assert.All(result.Judgments.Where(j => !j.Succeeded), j => Assert.Null(j.Score));
        Assert.Equal((2, 5), (result.Diagnostics.Judged, result.Diagnostics.Failed));
        Assert.Equal(2, result.Diagnostics.FailuresByKind[JudgeFailureKind.MalformedResponse]);

        // Transient faults were tried 1 + 2 times; malformed answers and a 400 are not retried.
        var attempts = server.ChatLog.GroupBy(r => IdOf(r.Judge!.Value.Document)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal((3, 3, 1, 1, 1), (attempts["rel-1"], attempts["rel-2"], attempts["irr-1"], attempts["irr-2"], attempts["irr-3"]));
        Assert.Equal(4, result.Diagnostics.Retries);
    }

    [Fact]
    public async Task A_call_slower_than_the_timeout_is_retried_then_fails_as_a_timeout()
    {
        await using var server = await StartAsync();
        server.Faults = r => IdOf(r.Judge!.Value.Document) == "rel-0" ? LoopbackFault.Slow(TimeSpan.FromSeconds(5)) : null;
        var options = FastOptions();
        options.CallTimeout = TimeSpan.FromMilliseconds(300);
        options.MaxRetries = 1;

        var result = await NewJudge(server, options).JudgeAsync(new JudgeRequest(Query, Documents(relevant: 1, irrelevant: 1)));

        Assert.Equal(JudgeFailureKind.Timeout, ById(result)["rel-0"].Failure!.Kind);
        Assert.True(ById(result)["irr-0"].Succeeded);
        Assert.Equal(2, server.ChatLog.Count(r => IdOf(r.Judge!.Value.Document) == "rel-0"));
    }

    [Fact]
    public async Task Without_logprobs_auto_mode_falls_back_to_a_verbalized_rating()
    {
        await using var server = await StartAsync();
        server.Faults = r => r.Judge is { IsVerbalized: false } ? LoopbackFault.NoLogprobs() : null;
        var judge = NewJudge(server);

        var result = await judge.JudgeAsync(new JudgeRequest(Query, Documents(relevant: 2, irrelevant: 2, unlabelled: 1)));

        var byId = ById(result);
        Assert.Equal(0.9, byId["rel-0"].Score!.Value, 5);
        Assert.Equal(0.1, byId["irr-1"].Score!.Value, 5);
        Assert.Equal(JudgeFailureKind.MalformedResponse, byId["unk-0"].Failure!.Kind); // "unsure" is no rating
        Assert.True(judge.UsesVerbalizedFallback);
        Assert.True(result.Diagnostics.VerbalizedFallbacks >= 1);
        Assert.Contains(server.ChatLog, r => r.Judge is { IsVerbalized: true } && !r.LogprobsRequested);

        // Once switched, later requests go straight to the verbalized prompt.
        int before = server.ChatRequests;
        await judge.JudgeAsync(new JudgeRequest(Query, [Doc("rel-0")]));
        Assert.Equal(before + 1, server.ChatRequests);
        Assert.True(server.ChatLog[^1].Judge!.Value.IsVerbalized);
    }

    [Fact]
    public async Task Logprobs_only_mode_fails_a_response_without_logprobs_instead_of_guessing()
    {
        await using var server = await StartAsync();
        server.EnqueueFaults(LoopbackFault.NoLogprobs());

        var result = await NewJudge(server, FastOptions(ChatJudgeMode.YesNoLogprobs)).JudgeAsync(new JudgeRequest(Query, [Doc("rel-0")]));

        Assert.Equal(JudgeFailureKind.NoYesNoProbability, result.Judgments[0].Failure!.Kind);
        Assert.Equal(1, server.ChatRequests);
    }

    [Fact]
    public async Task Too_little_yes_no_mass_is_a_failure_unless_the_minimum_is_lowered()
    {
        await using var server = await StartAsync();
        var strict = await NewJudge(server).JudgeAsync(new JudgeRequest(Query, [Doc("unk-0")]));
        Assert.Equal(JudgeFailureKind.NoYesNoProbability, strict.Judgments[0].Failure!.Kind);

        var options = FastOptions();
        options.MinimumProbabilityMass = 1e-5;
        var lenient = await NewJudge(server, options).JudgeAsync(new JudgeRequest(Query, [Doc("unk-0")]));
        Assert.Equal(0.5, lenient.Judgments[0].Score!.Value, 4);
    }

    [Fact]
    public async Task Cancellation_stops_judging_promptly()
    {
        await using var server = await StartAsync();
        server.Latency = TimeSpan.FromSeconds(30);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NewJudge(server).JudgeAsync(new JudgeRequest(Query, Documents(5, 5)), cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_a_server_error_failure_naming_the_endpoint()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = new OpenAICompatibleChatClient(new ChatModelSettings(new Uri($"http://127.0.0.1:{port}/v1"), "m"));
        var options = FastOptions();
        options.MaxRetries = 1;

        var result = await new ChatRelevanceJudge(client, options).JudgeAsync(new JudgeRequest(Query, [Doc("rel-0")]));

        var failure = result.Judgments[0].Failure!;
        Assert.Equal(JudgeFailureKind.ServerError, failure.Kind);
        Assert.Contains($"127.0.0.1:{port}", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, result.Diagnostics.Retries);
    }

    [Fact]
    public async Task Parallelism_is_bounded_by_the_option()
    {
        await using var server = await StartAsync();
        int inFlight = 0, peak = 0;
        server.Faults = _ =>
        {
            int now = Interlocked.Increment(ref inFlight);
            int seen;
            while ((seen = Volatile.Read(ref peak)) < now && Interlocked.CompareExchange(ref peak, now, seen) != seen)
            {
            }

            Thread.Sleep(50);
            Interlocked.Decrement(ref inFlight);
            return null;
        };
        var options = FastOptions();
        options.MaxParallelism = 3;

        var result = await NewJudge(server, options).JudgeAsync(new JudgeRequest(Query, Documents(6, 6)));

        Assert.Equal(12, result.Diagnostics.Judged);
        Assert.InRange(peak, 1, 3);
    }
}
