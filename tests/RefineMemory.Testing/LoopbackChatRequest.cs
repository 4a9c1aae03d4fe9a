using RefineMemory.Judge;

namespace RefineMemory.Testing;

/// <summary>A chat-completions request as <see cref="LoopbackOpenAIServer"/> received it.</summary>
/// <param name="Sequence">1-based arrival number among chat requests.</param>
/// <param name="Prompt">The text of the last user message.</param>
/// <param name="Judge">The judge prompt's parts, when the prompt is one (see <see cref="JudgePrompt.TryParse"/>).</param>
/// <param name="Attempt">How many times this exact prompt has arrived, this one included (1 = first attempt).</param>
/// <param name="Model">The "model" field.</param>
/// <param name="LogprobsRequested">The "logprobs" field.</param>
/// <param name="TopLogprobs">The "top_logprobs" field.</param>
/// <param name="MaxTokens">"max_completion_tokens" or "max_tokens".</param>
/// <param name="Seed">The "seed" field.</param>
/// <param name="Temperature">The "temperature" field.</param>
/// <param name="Authorization">The Authorization header, if any.</param>
public sealed record LoopbackChatRequest(
    int Sequence, string Prompt, JudgePromptParts? Judge, int Attempt, string Model,
    bool LogprobsRequested, int? TopLogprobs, int? MaxTokens, long? Seed, double? Temperature, string? Authorization)
{
    /// <summary>The batched judge prompt's parts, when the prompt is one (see <see cref="JudgeBatchPrompt.TryParse"/>).</summary>
    public JudgeBatchPromptParts? Batch { get; init; }
}
