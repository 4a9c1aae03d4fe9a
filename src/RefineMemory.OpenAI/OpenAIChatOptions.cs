using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace RefineMemory.OpenAI;

/// <summary>Raw OpenAI request options for <see cref="ChatOptions.RawRepresentationFactory"/>.</summary>
public static class OpenAIChatOptions
{
    /// <summary>
    /// A factory of <see cref="ChatCompletionOptions"/> asking for logprobs with <paramref name="topLogprobs"/>
    /// alternatives per token, honoured by every Microsoft.Extensions.AI.OpenAI chat client (ours, or one built by
    /// Semantic Kernel). <c>ChatRelevanceJudge</c> builds the same request by itself; set this as
    /// <c>ChatRelevanceJudgeOptions.RawRepresentationFactory</c> only to make the choice explicit and typed.
    /// </summary>
    public static Func<IChatClient, object?> Logprobs(int topLogprobs = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topLogprobs, 1);
        return _ => new ChatCompletionOptions { IncludeLogProbabilities = true, TopLogProbabilityCount = topLogprobs };
    }
}
