using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace RefineMemory.OpenAI;

/// <summary>Raw OpenAI request options for <see cref="ChatOptions.RawRepresentationFactory"/>.</summary>
public static class OpenAIChatOptions
{
    /// <summary>
    /// A factory of <see cref="ChatCompletionOptions"/> asking for logprobs with <paramref name="topLogprobs"/>
    /// alternatives per token: set it as <c>ChatRelevanceJudgeOptions.RawRepresentationFactory</c> when the judge
    /// talks to an OpenAI SDK client through another adapter (Microsoft.Extensions.AI.OpenAI).
    /// </summary>
    public static Func<IChatClient, object?> Logprobs(int topLogprobs = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topLogprobs, 1);
        return _ => new ChatCompletionOptions { IncludeLogProbabilities = true, TopLogProbabilityCount = topLogprobs };
    }
}
