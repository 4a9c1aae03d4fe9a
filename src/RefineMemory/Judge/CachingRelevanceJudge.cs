using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RefineMemory.Judge;

/// <summary>
/// A decorator that answers from an <see cref="IJudgeCache"/> where it can and asks the inner judge for the rest,
/// storing its successful scores. Failures are never cached, so a failed document is judged again next time.
/// Cache hits are counted in <see cref="JudgeDiagnostics.CacheHits"/>. A cache that throws (locked or corrupt
/// file) is logged and treated as a miss: it slows judging, it does not fail it.
/// </summary>
public sealed partial class CachingRelevanceJudge : IRelevanceJudge
{
    private readonly IRelevanceJudge _inner;
    private readonly IJudgeCache _cache;
    private readonly JudgeCacheScope _scope;
    private readonly ILogger _logger;

    /// <param name="inner">The judge asked on a miss.</param>
    /// <param name="cache">Where scores are kept.</param>
    /// <param name="scope">The model and prompt version of <paramref name="inner"/>, part of every key.</param>
    /// <param name="logger">Logs cache errors.</param>
    public CachingRelevanceJudge(IRelevanceJudge inner, IJudgeCache cache, JudgeCacheScope scope, ILogger<CachingRelevanceJudge>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(scope);
        _inner = inner;
        _cache = cache;
        _scope = scope;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Caches a chat judge under its own <see cref="ChatRelevanceJudge.CacheScope"/>.</summary>
    public CachingRelevanceJudge(ChatRelevanceJudge inner, IJudgeCache cache, ILogger<CachingRelevanceJudge>? logger = null)
        : this(inner, cache, inner?.CacheScope!, logger)
    {
    }

    /// <inheritdoc />
    public async Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var keys = request.Documents.Select(d => JudgeCacheKey.For(_scope, request, d)).ToArray();
        var cached = await ReadAsync(keys, cancellationToken).ConfigureAwait(false);

        var judgments = new RelevanceJudgment[keys.Length];
        var missIndex = new List<int>();
        for (int i = 0; i < keys.Length; i++)
        {
            if (cached[i] is float score)
            {
                judgments[i] = RelevanceJudgment.Scored(request.Documents[i].Id, score);
                request.Progress?.Report(judgments[i]);
            }
            else
            {
                missIndex.Add(i);
            }
        }

        JudgeDiagnostics? inner = null;
        if (missIndex.Count > 0)
        {
            var missRequest = new JudgeRequest(request.Query, missIndex.Select(i => request.Documents[i]).ToArray(), request.Instruction) { Progress = request.Progress };
            var result = await _inner.JudgeAsync(missRequest, cancellationToken).ConfigureAwait(false);
            inner = result.Diagnostics;
            if (result.Judgments.Count != missIndex.Count)
            {
                throw new InvalidOperationException($"The inner judge returned {result.Judgments.Count} judgments for {missIndex.Count} documents; nothing was cached.");
            }

            var fresh = new List<KeyValuePair<JudgeCacheKey, float>>();
            for (int m = 0; m < missIndex.Count; m++)
            {
                var judgment = result.Judgments[m];
                // A score stored under another document's key would be served as that document's score from then on.
                if (!string.Equals(judgment.DocumentId, missRequest.Documents[m].Id, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"The inner judge's judgment {m} is for document '{judgment.DocumentId}' but the request's document {m} is '{missRequest.Documents[m].Id}'; nothing was cached.");
                }

                judgments[missIndex[m]] = judgment;
                if (judgment.Score is float s)
                {
                    fresh.Add(new(keys[missIndex[m]], s));
                }
            }

            await WriteAsync(fresh, cancellationToken).ConfigureAwait(false);
        }

        var counts = JudgeDiagnostics.Summarise(judgments, clock.Elapsed);
        return new JudgeResult(judgments, new JudgeDiagnostics
        {
            Judged = counts.Judged,
            Failed = counts.Failed,
            FailuresByKind = counts.FailuresByKind,
            CacheHits = keys.Length - missIndex.Count,
            Calls = inner?.Calls ?? 0,
            Retries = inner?.Retries ?? 0,
            InputTokens = inner?.InputTokens ?? 0,
            OutputTokens = inner?.OutputTokens ?? 0,
            CallLatencies = inner?.CallLatencies ?? [],
            VerbalizedFallbacks = inner?.VerbalizedFallbacks ?? 0,
            Elapsed = clock.Elapsed,
        });
    }

    private async Task<IReadOnlyList<float?>> ReadAsync(JudgeCacheKey[] keys, CancellationToken ct)
    {
        try
        {
            var found = await _cache.GetManyAsync(keys, ct).ConfigureAwait(false);
            if (found.Count == keys.Length)
            {
                return found;
            }

            LogCacheError("read", $"the cache returned {found.Count} entries for {keys.Length} keys");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheError("read", ex.Message);
        }

        return new float?[keys.Length];
    }

    private async Task WriteAsync(List<KeyValuePair<JudgeCacheKey, float>> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }

        try
        {
            await _cache.SetManyAsync(entries, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheError("write", ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Judge cache {Operation} failed, judging without it: {Reason}")]
    private partial void LogCacheError(string operation, string reason);
}
