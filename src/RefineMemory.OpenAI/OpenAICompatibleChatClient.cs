using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AI = Microsoft.Extensions.AI;

namespace RefineMemory.OpenAI;

/// <summary>
/// An <see cref="IChatClient"/> for any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI v1,
/// Ollama, vLLM, LiteLLM), over the OpenAI SDK. Text and image content; no tools.
/// <para>Logprobs: requested when <see cref="ChatOptions.AdditionalProperties"/> has
/// <see cref="Judge.ChatLogprobs.TopLogprobsRequestKey"/> (or through a raw <see cref="ChatCompletionOptions"/>), and
/// returned in <see cref="ChatResponse.AdditionalProperties"/> under <see cref="Judge.ChatLogprobs.ResponseKey"/>
/// (provider-neutral) and <see cref="Judge.ChatLogprobs.OpenAIResponseKey"/> (the SDK's list). The SDK's
/// <see cref="ChatCompletion"/> is the <see cref="ChatResponse.RawRepresentation"/>.</para>
/// <para>Errors: HTTP and transport failures become <see cref="Judge.ModelCallException"/> with a kind (429,
/// 5xx, timeout, unreachable, rejected, malformed).</para>
/// </summary>
public sealed class OpenAICompatibleChatClient : IChatClient
{
    private readonly OpenAIClient _client;
    private readonly ChatModelSettings _settings;
    private readonly ConcurrentDictionary<string, ChatClient> _byModel = new(StringComparer.Ordinal);
    private readonly ChatClientMetadata _metadata;

    public OpenAICompatibleChatClient(ChatModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _client = OpenAIClientFactory.Create(settings);
        _metadata = new ChatClientMetadata("openai-compatible", settings.Endpoint, settings.Model);
    }

    /// <summary>A client configured from the environment (<see cref="ChatModelSettings.FromEnvironment"/>).</summary>
    public static OpenAICompatibleChatClient FromEnvironment() => new(ChatModelSettings.FromEnvironment());

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sdkMessages = OpenAIChatMapping.ToSdkMessages(messages, options);
        var sdkOptions = OpenAIChatMapping.ToSdkOptions(options, this);
        string model = options?.ModelId ?? _settings.Model;
        try
        {
            var result = await ClientFor(model).CompleteChatAsync(sdkMessages, sdkOptions, cancellationToken).ConfigureAwait(false);
            return OpenAIChatMapping.ToResponse(result.Value);
        }
        catch (Exception ex) when (OpenAIErrors.Map(ex, _settings.Endpoint, model, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AI.ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sdkMessages = OpenAIChatMapping.ToSdkMessages(messages, options);
        var sdkOptions = OpenAIChatMapping.ToSdkOptions(options, this);
        string model = options?.ModelId ?? _settings.Model;
        var updates = ClientFor(model).CompleteChatStreamingAsync(sdkMessages, sdkOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                StreamingChatCompletionUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }

                    update = updates.Current;
                }
                catch (Exception ex) when (OpenAIErrors.Map(ex, _settings.Endpoint, model, cancellationToken) is { } mapped)
                {
                    throw mapped;
                }

                yield return OpenAIChatMapping.ToUpdate(update);
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(ChatClient) ? ClientFor(_settings.Model)
            : serviceType == typeof(OpenAIClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // The SDK clients hold no disposable state of their own (the shared HttpClient pipeline is static).
    }

    private ChatClient ClientFor(string model) => _byModel.GetOrAdd(model, m => _client.GetChatClient(m));
}
