using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AI = Microsoft.Extensions.AI;

namespace RefineMemory.OpenAI;

/// <summary>
/// An <see cref="IChatClient"/> for any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI v1,
/// Ollama, vLLM, LiteLLM), over the OpenAI SDK. Text and image content, and function tools.
/// <para>Tools: every <see cref="AIFunctionDeclaration"/> in <see cref="ChatOptions.Tools"/> is sent as a function
/// tool (name, description, JSON schema); <see cref="ChatOptions.ToolMode"/> becomes <c>tool_choice</c> and
/// <see cref="ChatOptions.AllowMultipleToolCalls"/> <c>parallel_tool_calls</c>. The model's calls come back as
/// <see cref="FunctionCallContent"/> (arguments parsed into <see cref="JsonElement"/> values; unparseable arguments
/// set <see cref="FunctionCallContent.Exception"/> and keep the raw text under <see cref="RawArgumentsKey"/>).
/// Assistant messages with <see cref="FunctionCallContent"/> and <see cref="ChatRole.Tool"/> messages with
/// <see cref="FunctionResultContent"/> are sent back as tool calls and tool messages. This client does not invoke
/// functions itself: the caller runs its own loop. When streaming, the calls arrive whole in one last update after
/// the stream ends.</para>
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
    /// <summary>The <see cref="AIContent.AdditionalProperties"/> key of a call's raw argument text when it did not parse.</summary>
    public const string RawArgumentsKey = "openai.raw_arguments";

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
        var toolCalls = new StreamingToolCallAccumulator();
        StreamingChatCompletionUpdate? last = null;
        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    last = updates.Current;
                    toolCalls.Add(last);
                }
                catch (Exception ex) when (OpenAIErrors.Map(ex, _settings.Endpoint, model, cancellationToken) is { } mapped)
                {
                    throw mapped;
                }

                yield return OpenAIChatMapping.ToUpdate(last);
            }
        }

        if (!toolCalls.IsEmpty)
        {
            List<FunctionCallContent> calls;
            try
            {
                calls = toolCalls.Build();
            }
            catch (InvalidOperationException ex)
            {
                throw new Judge.ModelCallException(Judge.ModelCallFailureKind.MalformedResponse, $"{_settings.Endpoint} streamed a broken tool call: {ex.Message}", ex);
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, [.. calls])
            {
                ResponseId = last?.CompletionId,
                MessageId = last?.CompletionId,
                ModelId = last?.Model,
            };
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
