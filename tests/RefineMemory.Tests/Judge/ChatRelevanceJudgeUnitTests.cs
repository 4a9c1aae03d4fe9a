using Microsoft.Extensions.AI;
using RefineMemory.Judge;

namespace RefineMemory.Tests.Judge;

public sealed class ChatRelevanceJudgeUnitTests
{
    [Fact]
    public async Task Sends_the_paper_settings_and_the_raw_options_factory_and_reads_neutral_logprobs()
    {
        Func<IChatClient, object?> factory = _ => "raw";
        var client = new ScriptedClient(_ => Answer("Yes", ("Yes", 0.8), ("No", 0.2)));
        var judge = new ChatRelevanceJudge(client, new ChatRelevanceJudgeOptions { Seed = 9, RawRepresentationFactory = factory, ModelId = "m" });

        var result = await judge.JudgeAsync(new JudgeRequest("q", [new("a", "doc")]));

        Assert.Equal(0.8f, result.Judgments[0].Score!.Value, 5);
        var sent = Assert.Single(client.Options);
        Assert.Equal((5, 0f, 9L, "m"), (sent.MaxOutputTokens, sent.Temperature, sent.Seed, sent.ModelId));
        Assert.Same(factory, sent.RawRepresentationFactory);
        Assert.Equal(5, sent.AdditionalProperties![ChatLogprobs.TopLogprobsRequestKey]);
        Assert.Equal(new JudgeCacheScope("m", "yesno-v1"), judge.CacheScope);
    }

    [Fact]
    public async Task An_empty_request_makes_no_calls_and_a_response_without_messages_is_malformed()
    {
        var client = new ScriptedClient(_ => new ChatResponse([]));
        var judge = new ChatRelevanceJudge(client);

        var empty = await judge.JudgeAsync(new JudgeRequest("q", []));
        Assert.Empty(empty.Judgments);
        Assert.Empty(client.Options);

        var result = await judge.JudgeAsync(new JudgeRequest("q", [new("a", "doc")]));
        Assert.Equal(JudgeFailureKind.MalformedResponse, result.Judgments[0].Failure!.Kind);
    }

    [Fact]
    public async Task Verbalized_mode_asks_for_a_rating_without_logprobs()
    {
        var client = new ScriptedClient(_ => new ChatResponse(new ChatMessage(ChatRole.Assistant, "Relevance: 65")));
        var judge = new ChatRelevanceJudge(client, new ChatRelevanceJudgeOptions { Mode = ChatJudgeMode.Verbalized });

        var result = await judge.JudgeAsync(new JudgeRequest("q", [new("a", "doc")]));

        Assert.Equal(0.65f, result.Judgments[0].Score!.Value, 5);
        Assert.Null(client.Options[0].AdditionalProperties);
        Assert.EndsWith(JudgePrompt.VerbalizedSuffix, client.Prompts[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unclassified_exception_fails_the_document_without_retrying()
    {
        var client = new ScriptedClient(_ => throw new InvalidOperationException("boom"));
        var result = await new ChatRelevanceJudge(client).JudgeAsync(new JudgeRequest("q", [new("a", "doc")]));

        Assert.Equal(JudgeFailureKind.Other, result.Judgments[0].Failure!.Kind);
        Assert.Contains("boom", result.Judgments[0].Failure!.Message, StringComparison.Ordinal);
        Assert.Single(client.Options);
    }

    [Theory]
    [InlineData(0, 1e-4)]
    [InlineData(16, 0)]
    [InlineData(16, 1.5)]
    public void Bad_options_are_rejected(int parallelism, double minimumMass) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChatRelevanceJudge(
            new ScriptedClient(_ => new ChatResponse([])), new ChatRelevanceJudgeOptions { MaxParallelism = parallelism, MinimumProbabilityMass = minimumMass }));

    private static ChatResponse Answer(string token, params (string Token, double P)[] top) =>
        new(new ChatMessage(ChatRole.Assistant, token))
        {
            AdditionalProperties = new()
            {
                [ChatLogprobs.ResponseKey] = new[]
                {
                    new GeneratedTokenLogprobs(token, Math.Log(top.First(t => t.Token == token).P), top.Select(t => new TokenLogprob(t.Token, Math.Log(t.P))).ToArray()),
                },
            },
        };

    private sealed class ScriptedClient(Func<ChatOptions?, ChatResponse> answer) : IChatClient
    {
        public List<ChatOptions> Options { get; } = [];

        public List<string> Prompts { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            lock (Options)
            {
                Options.Add(options!);
                Prompts.Add(messages.Last().Text);
            }

            return Task.FromResult(answer(options));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
