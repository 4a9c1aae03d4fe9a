using Microsoft.Extensions.AI;
using RefineMemory.Judge;
using RefineMemory.Testing;
using static RefineMemory.OpenAI.Tests.JudgeTestKit;

namespace RefineMemory.OpenAI.Tests;

public sealed class OpenAICompatibleChatClientTests
{
    [Fact]
    public async Task Maps_text_usage_model_and_logprobs_requested_through_raw_sdk_options()
    {
        await using var server = await StartAsync();
        using var client = Client(server);
        var options = new ChatOptions { MaxOutputTokens = 5, RawRepresentationFactory = OpenAIChatOptions.Logprobs(3) };

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, JudgePrompt.YesNo(Query, "text of rel-0"))], options);

        Assert.Equal("Yes.", response.Text);
        Assert.Equal("judge-model", response.ModelId);
        Assert.Equal(2, response.Usage!.OutputTokenCount);
        Assert.IsType<global::OpenAI.Chat.ChatCompletion>(response.RawRepresentation);
        var request = Assert.Single(server.ChatLog);
        Assert.True(request.LogprobsRequested);
        Assert.Equal(3, request.TopLogprobs);
        var tokens = ChatLogprobs.Read(response)!;
        Assert.Equal("Yes", tokens[0].Token);
        Assert.Equal(3, tokens[0].TopAlternatives.Count);
        Assert.Equal(Math.Log(0.675), tokens[0].Logprob, 4);
    }

    [Fact]
    public async Task Logprobs_asked_by_key_are_requested_and_read_back_from_the_raw_completion()
    {
        await using var server = await StartAsync();
        using var client = Client(server);
        var options = new ChatOptions { AdditionalProperties = new() { [ChatLogprobs.TopLogprobsRequestKey] = 5 } };
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, JudgePrompt.YesNo(Query, "text of irr-0"))], options);

        Assert.Equal(5, Assert.Single(server.ChatLog).TopLogprobs);
        Assert.Null(options.RawRepresentationFactory); // the caller's options are not changed
        Assert.IsType<global::OpenAI.Chat.ChatCompletion>(response.RawRepresentation); // Microsoft.Extensions.AI.OpenAI 10.11 leaves them there only
        var tokens = ChatLogprobs.Read(response)!;
        Assert.Equal("No", tokens[0].Token);
        Assert.Equal(Irrelevant, YesNoScore.Compute(tokens, 1e-4).Score!.Value, 4);
    }

    [Fact]
    public async Task Without_a_key_no_credentials_are_sent()
    {
        await using var server = await StartAsync();
        using var client = Client(server, key: null);

        await client.GetResponseAsync("hello");

        Assert.Null(Assert.Single(server.ChatLog).Authorization);
    }

    [Theory]
    [InlineData(401, ModelCallFailureKind.RequestRejected)]
    [InlineData(404, ModelCallFailureKind.RequestRejected)]
    [InlineData(429, ModelCallFailureKind.RateLimited)]
    [InlineData(500, ModelCallFailureKind.ServerError)]
    [InlineData(503, ModelCallFailureKind.ServerError)]
    public async Task Http_errors_become_typed_model_call_exceptions(int status, ModelCallFailureKind kind)
    {
        await using var server = await StartAsync();
        server.EnqueueFaults(LoopbackFault.Status(status));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("hello"));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(status, error.StatusCode);
        Assert.Contains(server.BaseUri.Authority, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.ChatRequests); // the SDK's own retries are off by default
    }

    [Fact]
    public async Task Retry_after_is_surfaced_and_malformed_answers_are_malformed()
    {
        await using var server = await StartAsync();
        server.EnqueueFaults(LoopbackFault.RateLimited(retryAfterSeconds: 7), LoopbackFault.MalformedJson(), LoopbackFault.EmptyChoices());
        using var client = Client(server);

        var limited = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("a"));
        var malformed = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("b"));
        var empty = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("c"));

        Assert.Equal(TimeSpan.FromSeconds(7), limited.RetryAfter);
        Assert.Equal(ModelCallFailureKind.MalformedResponse, malformed.Kind);
        Assert.Equal(ModelCallFailureKind.MalformedResponse, empty.Kind);
    }

    [Fact]
    public async Task A_network_timeout_is_a_timeout_and_the_callers_cancellation_is_a_cancellation()
    {
        await using var server = await StartAsync();
        server.Latency = TimeSpan.FromSeconds(20);
        using var client = new OpenAICompatibleChatClient(new ChatModelSettings(server.BaseUri, "m") { NetworkTimeout = TimeSpan.FromMilliseconds(300) });
        var timeout = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("slow"));
        Assert.Equal(ModelCallFailureKind.Timeout, timeout.Kind);

        using var patient = Client(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.GetResponseAsync("slow", cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Streaming_yields_the_text_and_the_metadata_names_the_endpoint()
    {
        await using var server = await StartAsync();
        using var client = Client(server);

        var metadata = client.GetService<ChatClientMetadata>()!;
        Assert.Equal((server.BaseUri, "judge-model"), (metadata.ProviderUri, metadata.DefaultModelId));

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(JudgePrompt.YesNo(Query, "text of rel-0")))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.Equal("Yes.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(updates.Count >= 3);
    }

    [Fact]
    public async Task Instructions_and_options_reach_the_request()
    {
        await using var server = await StartAsync();
        using var client = Client(server);

        await client.GetResponseAsync("question", new ChatOptions { Instructions = "Be brief.", Temperature = 0.25f, Seed = 11, MaxOutputTokens = 9, ModelId = "other-model" });

        var r = Assert.Single(server.ChatLog);
        Assert.Equal(("other-model", 0.25, 11L, 9), (r.Model, r.Temperature, r.Seed, r.MaxTokens));
        Assert.Equal("question", r.Prompt);
    }
}
