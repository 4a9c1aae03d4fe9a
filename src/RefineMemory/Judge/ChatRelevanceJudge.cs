using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace RefineMemory.Judge;

/// <summary>
/// The host's chat model as relevance judge. Each document gets the paper's yes/no prompt (max 5 tokens, top 5
/// logprobs, temperature 0, seed) and the score P(yes)/(P(yes)+P(no)) (see <see cref="YesNoScore"/>); providers
/// without logprobs get a verbalized 0-100 rating instead (<see cref="ChatJudgeMode"/>). Calls run in parallel
/// (bounded), each attempt under a timeout, with retries (exponential backoff and jitter) on 429, 5xx, timeouts
/// and unreachable endpoints. A document that still fails gets a typed failure, never a made-up score.
/// Logprobs are read from the response by <see cref="ChatLogprobs.Read"/>. With
/// <see cref="ChatRelevanceJudgeOptions.BatchSize"/> above 1, one call judges several documents (see
/// <see cref="JudgeBatchPrompt"/>).
/// </summary>
public sealed partial class ChatRelevanceJudge : IRelevanceJudge
{
    private readonly IChatClient _chat;
    private readonly ChatRelevanceJudgeOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly Func<IChatClient, object?> _openAILogprobs;
    private volatile bool _logprobsUnavailable;

    /// <summary>A judge asking <paramref name="chatClient"/>, with the prompt and scoring of <paramref name="options"/>.</summary>
    public ChatRelevanceJudge(IChatClient chatClient, ChatRelevanceJudgeOptions? options = null, ILogger<ChatRelevanceJudge>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _options = options ?? new ChatRelevanceJudgeOptions();
        _options.Validate();
        _chat = chatClient;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        string model = _options.ModelId ?? chatClient.GetService<ChatClientMetadata>()?.DefaultModelId ?? "unknown-model";
        // A batched score is read beside other documents, so it is not the single prompt's score: cache it apart.
        CacheScope = new JudgeCacheScope(model, _options.BatchSize > 1
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_options.PromptVersion}+batch{_options.BatchSize}")
            : _options.PromptVersion);
        _pipeline = BuildPipeline();
        _openAILogprobs = OpenAILogprobsRequest.Factory(_options.TopLogprobs);
    }

    /// <summary>The model and prompt version that key this judge's cached scores.</summary>
    public JudgeCacheScope CacheScope { get; }

    /// <summary>Whether <see cref="ChatJudgeMode.Auto"/> has switched to verbalized ratings (a response had no logprobs).</summary>
    public bool UsesVerbalizedFallback => _logprobsUnavailable;

    /// <inheritdoc />
    public async Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var judgments = new RelevanceJudgment[request.Documents.Count];
        var stats = new JudgeCallStats();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancellationToken };
        if (_options.BatchSize > 1)
        {
            await JudgeBatchesAsync(request, judgments, stats, parallel).ConfigureAwait(false);
        }
        else
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, judgments.Length), parallel, async (i, ct) =>
            {
                judgments[i] = await JudgeOneAsync(request, request.Documents[i], stats, ct).ConfigureAwait(false);
                request.Progress?.Report(judgments[i]);
            }).ConfigureAwait(false);
        }

        var diagnostics = stats.ToDiagnostics(judgments, clock.Elapsed);
        LogJudged(diagnostics.Judged, diagnostics.Failed, diagnostics.Calls, clock.Elapsed.TotalMilliseconds);
        return new JudgeResult(judgments, diagnostics);
    }

    private async Task<RelevanceJudgment> JudgeOneAsync(JudgeRequest request, JudgeDocument doc, JudgeCallStats stats, CancellationToken ct)
    {
        bool verbalized = _options.Mode == ChatJudgeMode.Verbalized || (_options.Mode == ChatJudgeMode.Auto && _logprobsUnavailable);
        if (!verbalized)
        {
            var (response, failure) = await CallAsync(JudgePrompt.YesNo(request.Query, doc.Text, request.Instruction), logprobs: true, _options.MaxOutputTokens, stats, ct).ConfigureAwait(false);
            if (failure is not null)
            {
                return Fail(doc.Id, failure);
            }

            if (ChatLogprobs.Read(response!) is { } tokens)
            {
                if (PositiveLogprob(tokens) is { } bad)
                {
                    // exp(logprob) > 1 is not a probability: the response is broken, not evidence.
                    return Fail(doc.Id, new JudgeFailure(JudgeFailureKind.MalformedResponse, FormattableString.Invariant(
                        $"The response gives token '{bad.Token}' the logprob {bad.Logprob:G4}, a probability above 1; logprobs must be at most 0.")));
                }

                var outcome = YesNoScore.Compute(tokens, _options.MinimumProbabilityMass);
                return outcome.Score is double score
                    ? RelevanceJudgment.Scored(doc.Id, (float)score)
                    : Fail(doc.Id, new JudgeFailure(JudgeFailureKind.NoYesNoProbability, FormattableString.Invariant(
                        $"P(yes)+P(no) = {outcome.YesProbability + outcome.NoProbability:G3} in the first {YesNoScore.Positions} tokens is below {_options.MinimumProbabilityMass:G3}; the model answered '{response!.Text}'.")));
            }

            if (_options.Mode == ChatJudgeMode.YesNoLogprobs)
            {
                return Fail(doc.Id, new JudgeFailure(JudgeFailureKind.NoYesNoProbability,
                    "The response carried no logprobs (the provider may not support them); use ChatJudgeMode.Auto or Verbalized."));
            }

            if (!_logprobsUnavailable)
            {
                _logprobsUnavailable = true;
                LogFallback();
            }

            stats.Fallback();
        }

        var (rated, error) = await CallAsync(JudgePrompt.Verbalized(request.Query, doc.Text, request.Instruction), logprobs: false, _options.VerbalizedMaxOutputTokens, stats, ct).ConfigureAwait(false);
        if (error is not null)
        {
            return Fail(doc.Id, error);
        }

        return VerbalizedRating.TryParse(rated!.Text, out double rating)
            ? RelevanceJudgment.Scored(doc.Id, (float)rating)
            : Fail(doc.Id, new JudgeFailure(JudgeFailureKind.MalformedResponse, $"Expected a 0-100 rating, the model answered '{rated.Text}'."));
    }

    /// <summary>Largest rounding above 0 tolerated in a provider's logprob.</summary>
    private const double LogprobTolerance = 1e-6;

    private static TokenLogprob? PositiveLogprob(IReadOnlyList<GeneratedTokenLogprobs> tokens)
    {
        foreach (var position in tokens.Take(YesNoScore.Positions))
        {
            if (position.Logprob > LogprobTolerance)
            {
                return new TokenLogprob(position.Token, position.Logprob);
            }

            foreach (var alt in position.TopAlternatives)
            {
                if (alt.Logprob > LogprobTolerance)
                {
                    return alt;
                }
            }
        }

        return null;
    }

    private RelevanceJudgment Fail(string documentId, JudgeFailure failure)
    {
        LogFailure(documentId, failure.Kind, failure.Message);
        return RelevanceJudgment.Failed(documentId, failure.Kind, failure.Message);
    }

    private async Task<(ChatResponse? Response, JudgeFailure? Failure)> CallAsync(string prompt, bool logprobs, int maxOutputTokens, JudgeCallStats stats, CancellationToken ct)
    {
        ChatMessage[] messages = [new(ChatRole.User, prompt)];
        var chatOptions = new ChatOptions
        {
            MaxOutputTokens = maxOutputTokens,
            Temperature = 0,
            Seed = _options.Seed,
            ModelId = _options.ModelId,
        };
        if (logprobs)
        {
            chatOptions.AdditionalProperties = new() { [ChatLogprobs.TopLogprobsRequestKey] = _options.TopLogprobs };
            chatOptions.RawRepresentationFactory = _options.RawRepresentationFactory ?? _openAILogprobs;
        }

        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(StatsKey, stats);
        try
        {
            var response = await _pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    var clock = Stopwatch.StartNew();
                    ChatResponse? result = null;
                    try
                    {
                        result = await state.Chat.GetResponseAsync(state.Messages, state.Options, ctx.CancellationToken).ConfigureAwait(false);
                        return result;
                    }
                    finally
                    {
                        ctx.Properties.GetValue(StatsKey, null!).Call(clock.Elapsed, result?.Usage?.InputTokenCount, result?.Usage?.OutputTokenCount);
                    }
                },
                context,
                (Chat: _chat, Messages: messages, Options: chatOptions)).ConfigureAwait(false);
            return response.Messages.Count == 0
                ? (null, new JudgeFailure(JudgeFailureKind.MalformedResponse, "The response had no message."))
                : (response, null);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var (kind, _) = JudgeFailureClassifier.Classify(ex);
            return (null, new JudgeFailure(kind, $"{ex.GetType().Name}: {ex.Message}"));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static readonly ResiliencePropertyKey<JudgeCallStats> StatsKey = new("RefineMemory.JudgeCallStats");

    private ResiliencePipeline BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder();
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(RetryOptions());
        }

        return builder.AddTimeout(new TimeoutStrategyOptions { Timeout = _options.CallTimeout }).Build();
    }

    private RetryStrategyOptions RetryOptions() => new()
    {
        MaxRetryAttempts = _options.MaxRetries,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = _options.RetryBaseDelay,
        MaxDelay = _options.MaxRetryDelay,
        ShouldHandle = args => ValueTask.FromResult(
            args.Outcome.Exception is { } ex && !args.Context.CancellationToken.IsCancellationRequested && JudgeFailureClassifier.Classify(ex).Transient),
        DelayGenerator = args => ValueTask.FromResult(
            args.Outcome.Exception is ModelCallException { RetryAfter: TimeSpan wait }
                ? (TimeSpan?)(wait < _options.MaxRetryDelay ? wait : _options.MaxRetryDelay)
                : null),
        OnRetry = args =>
        {
            args.Context.Properties.GetValue(StatsKey, null!).Retry();
            LogRetry(args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
            return default;
        },
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Judged {Judged} documents ({Failed} failed) with {Calls} calls in {Milliseconds} ms.")]
    private partial void LogJudged(int judged, int failed, int calls, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Judging document {DocumentId} failed ({Kind}): {Message}")]
    private partial void LogFailure(string documentId, JudgeFailureKind kind, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Retry {Attempt} in {DelayMs} ms after: {Reason}")]
    private partial void LogRetry(int attempt, double delayMs, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The chat model returned no logprobs; switching to verbalized 0-100 ratings.")]
    private partial void LogFallback();
}
