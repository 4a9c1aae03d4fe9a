using Microsoft.Extensions.AI;
using RefineMemory.Judge;

namespace RefineMemory.SemanticKernel.Judge;

/// <summary>
/// Puts a kernel's chat model in judge shape. Requests leave with no tools and no tool mode, so a judge call can never
/// call back into the plugin that asked for it. For an <c>IChatCompletionService</c> seen through <c>AsChatClient()</c>,
/// the judge's logprob request (<see cref="ChatLogprobs.TopLogprobsRequestKey"/>) becomes the <c>logprobs</c> /
/// <c>top_logprobs</c> settings SK's OpenAI connector reads (<c>AsChatClient()</c> copies ChatOptions.AdditionalProperties
/// into the execution settings' extension data); a Microsoft.Extensions.AI.OpenAI <c>IChatClient</c> already gets the
/// raw OpenAI options from <see cref="ChatRelevanceJudge"/>. SK returns the OpenAI completion as the response's raw
/// representation, where <see cref="ChatLogprobs.Read"/> finds the logprobs.
/// </summary>
internal sealed class JudgeOnlyChatClient : DelegatingChatClient
{
    private readonly bool _viaChatCompletionService;

    public JudgeOnlyChatClient(IChatClient inner, bool viaChatCompletionService)
        : base(inner) => _viaChatCompletionService = viaChatCompletionService;

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Prepare(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Prepare(options), cancellationToken);

    private ChatOptions Prepare(ChatOptions? options)
    {
        var request = options?.Clone() ?? new ChatOptions();
        request.Tools = null;
        request.ToolMode = null;
        request.AllowMultipleToolCalls = null;
        if (!_viaChatCompletionService || request.AdditionalProperties is not { } extra
            || !extra.TryGetValue(ChatLogprobs.TopLogprobsRequestKey, out object? value) || value is not int top)
        {
            return request;
        }

        request.AdditionalProperties = new AdditionalPropertiesDictionary(extra) { ["logprobs"] = true, ["top_logprobs"] = top };
        request.AdditionalProperties.Remove(ChatLogprobs.TopLogprobsRequestKey);
        return request;
    }
}
