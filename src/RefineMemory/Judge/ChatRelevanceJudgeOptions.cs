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

    /// <summary>Most tokens a yes/no answer may have. Default 5.</summary>
    public int MaxOutputTokens { get; set; } = 5;

    /// <summary>Alternatives requested per generated token. Default 5.</summary>
    public int TopLogprobs { get; set; } = 5;

    /// <summary>Most tokens of a verbalized rating. Default 8.</summary>
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

        ArgumentException.ThrowIfNullOrWhiteSpace(PromptVersion);
    }
}
