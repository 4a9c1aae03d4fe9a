using System.Collections;
using Microsoft.Extensions.AI;
using RefineMemory.Judge;
using RefineMemory.OpenAI;

namespace RefineMemory.SemanticKernel.Judge;

/// <summary>
/// Puts a kernel's chat model in judge shape. Requests leave with no tools and no tool mode, so a judge call can never
/// call back into the plugin that asked for it. The judge's logprob request (<see cref="ChatLogprobs.TopLogprobsRequestKey"/>)
/// is translated for the client underneath: raw OpenAI <c>ChatCompletionOptions</c> for a Microsoft.Extensions.AI.OpenAI
/// client, <c>logprobs</c>/<c>top_logprobs</c> settings for an <c>IChatCompletionService</c> seen through
/// <c>AsChatClient()</c> (SK copies ChatOptions.AdditionalProperties into the connector's execution settings).
/// Logprobs that come back on the message's metadata (SK's connectors) rather than on the response are lifted to
/// the response, where <see cref="ChatLogprobs.Read"/> looks.
/// </summary>
internal sealed class JudgeOnlyChatClient : DelegatingChatClient
{
    private readonly bool _viaChatCompletionService;

    public JudgeOnlyChatClient(IChatClient inner, bool viaChatCompletionService)
        : base(inner) => _viaChatCompletionService = viaChatCompletionService;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, Prepare(options), cancellationToken).ConfigureAwait(false);
        LiftLogprobs(response);
        return response;
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Prepare(options), cancellationToken);

    private ChatOptions Prepare(ChatOptions? options)
    {
        var request = options?.Clone() ?? new ChatOptions();
        request.Tools = null;
        request.ToolMode = null;
        request.AllowMultipleToolCalls = null;
        if (request.AdditionalProperties is not { } extra || !extra.TryGetValue(ChatLogprobs.TopLogprobsRequestKey, out object? value) || value is not int top)
        {
            return request;
        }

        var translated = new AdditionalPropertiesDictionary(extra);
        translated.Remove(ChatLogprobs.TopLogprobsRequestKey);
        if (_viaChatCompletionService)
        {
            translated["logprobs"] = true;
            translated["top_logprobs"] = top;
        }
        else
        {
            request.RawRepresentationFactory ??= OpenAIChatOptions.Logprobs(top);
        }

        request.AdditionalProperties = translated;
        return request;
    }

    private static void LiftLogprobs(ChatResponse response)
    {
        if (ChatLogprobs.Read(response) is not null)
        {
            return;
        }

        object? found = null;
        for (int i = response.Messages.Count - 1; i >= 0 && found is null; i--)
        {
            if (response.Messages[i].AdditionalProperties?.TryGetValue(ChatLogprobs.OpenAIResponseKey, out object? onMessage) == true)
            {
                found = onMessage;
            }
        }

        found ??= response.RawRepresentation?.GetType().GetProperty(ChatLogprobs.OpenAIResponseKey)?.GetValue(response.RawRepresentation);
        if (found is IEnumerable)
        {
            (response.AdditionalProperties ??= [])[ChatLogprobs.OpenAIResponseKey] = found;
        }
    }
}
