using Microsoft.Extensions.AI;

namespace RefineMemory.Judge;

/// <summary>How <see cref="ChatRelevanceJudge"/> asks the chat model.</summary>
public enum ChatJudgeMode
{
    /// <summary>Yes/no with logprobs; when a response carries no logprobs, switch to <see cref="Verbalized"/> for good.</summary>
    Auto,

    /// <summary>Yes/no with logprobs only; a response without logprobs is a <see cref="JudgeFailureKind.NoYesNoProbability"/> failure.</summary>
    YesNoLogprobs,

    /// <summary>A 0-100 rating parsed from the answer's text; an unparseable answer is a <see cref="JudgeFailureKind.MalformedResponse"/> failure.</summary>
    Verbalized,
}

/// <summary>Options of <see cref="ChatRelevanceJudge"/>.</summary>
public sealed class ChatRelevanceJudgeOptions
{
    /// <summary>Yes/no with logprobs, verbalized, or automatic (default).</summary>
    public ChatJudgeMode Mode { get; set; } = ChatJudgeMode.Auto;

    /// <summary>Most documents per call allowed by <see cref="Validate"/> (50): longer answers run into output limits and lose the thread.</summary>
    public const int MaxBatchSize = 50;

    /// <summary>
    /// Documents judged by one call. Default 1: every document gets the paper's single prompt, the one all our
    /// validated figures were measured with. Above 1, each call sends up to this many documents numbered in one
    /// prompt (<see cref="JudgeBatchPrompt"/>) and reads one "[n] Yes"/"[n] No" line per document, scored from the
    /// logprobs at each answer (or "[n] 0-100" ratings when verbalized); a document the answer does not cover exactly
    /// once fails. 5 judges the default 20 documents in 4 calls with answers of about 20 tokens; batched scores are
    /// read beside other documents, so they are cached apart from single ones (<see cref="ChatRelevanceJudge.CacheScope"/>),
    /// and whether they judge as well is for the evaluation to say, which is why batching is not the default.
    /// A lone remaining document is asked with the single prompt.
    /// </summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>Model calls in flight at once. Default 16.</summary>
    public int MaxParallelism { get; set; } = 16;

    /// <summary>Time limit of one attempt. Default 30 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a transient failure (429, 5xx, timeout, unreachable). Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Base delay of the exponential backoff (with jitter) between retries. Default 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between retries, also caps a provider's Retry-After. Default 10 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Least P(yes)+P(no) a position must carry to be scored. Default 1e-4.</summary>
    public double MinimumProbabilityMass { get; set; } = 1e-4;

    /// <summary>Sampling seed sent with every call, for providers that honour it. Default 0.</summary>
    public long? Seed { get; set; }

    /// <summary>
    /// The model to ask (sent as <see cref="ChatOptions.ModelId"/> when set) and the model part of cache keys;
    /// when <c>null</c>, the client's <see cref="ChatClientMetadata.DefaultModelId"/> names the model.
    /// </summary>
    public string? ModelId { get; set; }

    /// <summary>Version of the prompts, part of cache keys: change it when the prompts change. Default "yesno-v1".</summary>
    public string PromptVersion { get; set; } = "yesno-v1";

    /// <summary>Most tokens a yes/no answer may have; a batched call allows this plus 4 (the "[n]" label and newline) per document. Default 5.</summary>
    public int MaxOutputTokens { get; set; } = 5;

    /// <summary>Alternatives requested per generated token. Default 5.</summary>
    public int TopLogprobs { get; set; } = 5;

    /// <summary>Most tokens of a verbalized rating; a batched call allows this plus 4 per document. Default 8.</summary>
    public int VerbalizedMaxOutputTokens { get; set; } = 8;

    /// <summary>
    /// The provider's raw request options for yes/no calls (<see cref="ChatOptions.RawRepresentationFactory"/>).
    /// Default <c>null</c>: the judge sends an OpenAI SDK <c>ChatCompletionOptions</c> with IncludeLogProbabilities and
    /// <see cref="TopLogprobs"/>, which any Microsoft.Extensions.AI.OpenAI client honours (wrapped by us or not), and
    /// <see cref="ChatLogprobs.TopLogprobsRequestKey"/> for other clients. Set it for another provider's raw options.
    /// </summary>
    public Func<IChatClient, object?>? RawRepresentationFactory { get; set; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MaxParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxParallelism), MaxParallelism, "At least one call must be allowed in flight.");
        }

        if (CallTimeout <= TimeSpan.Zero || MaxRetries < 0 || RetryBaseDelay < TimeSpan.Zero || MaxRetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CallTimeout), "CallTimeout must be positive; MaxRetries, RetryBaseDelay and MaxRetryDelay non-negative.");
        }

        if (!(MinimumProbabilityMass > 0 && MinimumProbabilityMass <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumProbabilityMass), MinimumProbabilityMass, "The minimum probability mass must be in (0, 1].");
        }

        if (MaxOutputTokens < 1 || TopLogprobs < 1 || VerbalizedMaxOutputTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxOutputTokens), "MaxOutputTokens, TopLogprobs and VerbalizedMaxOutputTokens must be positive.");
        }

        if (BatchSize < 1 || BatchSize > MaxBatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, FormattableString.Invariant($"The batch size must be from 1 to {MaxBatchSize} documents per call."));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(PromptVersion);
    }
}
