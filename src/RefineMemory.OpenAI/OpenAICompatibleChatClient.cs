using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using RefineMemory.Judge;

namespace RefineMemory.OpenAI;

/// <summary>
/// An <see cref="IChatClient"/> for any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI v1,
/// Ollama, vLLM, LiteLLM): Microsoft.Extensions.AI.OpenAI's client
/// (<c>OpenAIClient.GetChatClient(model).AsIChatClient()</c>), which maps messages, tools, tool calls and streaming,
/// under a thin decorator that adds what the library leaves to us:
/// <list type="bullet">
/// <item>configuration from <see cref="ChatModelSettings"/> (endpoint, key or none, Azure's api-key header, network
/// timeout, transport retries);</item>
/// <item>errors: HTTP and transport failures become <see cref="ModelCallException"/> with a kind (429, 5xx, timeout,
/// unreachable, rejected, malformed), streaming included;</item>
/// <item><see cref="ChatOptions.ModelId"/> chooses the model per call (the library's client is bound to one);</item>
/// <item>logprobs asked for with <see cref="ChatLogprobs.TopLogprobsRequestKey"/> become the SDK's
/// <c>ChatCompletionOptions.IncludeLogProbabilities</c>/<c>TopLogProbabilityCount</c> when the caller set no
/// <see cref="ChatOptions.RawRepresentationFactory"/> of its own.</item>
/// </list>
/// Function calls are returned, not invoked: wrap it with <c>AsBuilder().UseFunctionInvocation()</c> to run them.
/// </summary>
public sealed class OpenAICompatibleChatClient : DelegatingChatClient
{
    private readonly ChatModelSettings _settings;
    private readonly OpenAIClient _client;
    private readonly ConcurrentDictionary<string, IChatClient> _otherModels = new(StringComparer.Ordinal);

    /// <summary>A client of the chat model <paramref name="settings"/> names.</summary>
    public OpenAICompatibleChatClient(ChatModelSettings settings)
        : this(settings ?? throw new ArgumentNullException(nameof(settings)), OpenAIClientFactory.Create(settings))
    {
    }

    private OpenAICompatibleChatClient(ChatModelSettings settings, OpenAIClient client)
        : base(client.GetChatClient(settings.Model).AsIChatClient())
    {
        _settings = settings;
        _client = client;
    }


    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (client, model) = ClientFor(options);
        try
        {
            return await client.GetResponseAsync(messages, WithLogprobRequest(options), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (OpenAIErrors.Map(ex, _settings.Endpoint, model, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (client, model) = ClientFor(options);
        var updates = client.GetStreamingResponseAsync(messages, WithLogprobRequest(options), cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (OpenAIErrors.Map(ex, _settings.Endpoint, model, cancellationToken) is { } mapped)
                {
                    throw mapped;
                }

                yield return updates.Current;
            }
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(OpenAIClient) ? _client : base.GetService(serviceType, serviceKey);
    }

    private (IChatClient Client, string Model) ClientFor(ChatOptions? options) =>
        options?.ModelId is { Length: > 0 } model && !string.Equals(model, _settings.Model, StringComparison.Ordinal)
            ? (_otherModels.GetOrAdd(model, m => _client.GetChatClient(m).AsIChatClient()), model)
            : (InnerClient, _settings.Model);

    private static ChatOptions? WithLogprobRequest(ChatOptions? options)
    {
        if (options?.RawRepresentationFactory is not null
            || options?.AdditionalProperties?.TryGetValue(ChatLogprobs.TopLogprobsRequestKey, out object? top) != true
            || top is not int count || count < 1)
        {
            return options;
        }

        var copy = options.Clone();
        copy.RawRepresentationFactory = OpenAIChatOptions.Logprobs(count);
        return copy;
    }
}
