namespace RefineMemory.Judge;

/// <summary>The judgments for one request, in request order, with diagnostics.</summary>
public sealed class JudgeResult
{
    /// <summary>The <paramref name="judgments"/>, with empty diagnostics when none are given.</summary>
    public JudgeResult(IReadOnlyList<RelevanceJudgment> judgments, JudgeDiagnostics? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(judgments);
        Judgments = judgments;
        Diagnostics = diagnostics ?? JudgeDiagnostics.Summarise(judgments);
    }

    /// <summary>One judgment per requested document, in the request's order.</summary>
    public IReadOnlyList<RelevanceJudgment> Judgments { get; }

    /// <summary>Calls, retries and method of the judge.</summary>
    public JudgeDiagnostics Diagnostics { get; }
}

/// <summary>What judging cost and how it went.</summary>
public sealed class JudgeDiagnostics
{
    /// <summary>Documents that received a score.</summary>
    public int Judged { get; init; }

    /// <summary>Documents whose judgment failed.</summary>
    public int Failed { get; init; }

    /// <summary>Failures counted by kind.</summary>
    public IReadOnlyDictionary<JudgeFailureKind, int> FailuresByKind { get; init; } = new Dictionary<JudgeFailureKind, int>();

    /// <summary>Model calls made (retries included); 0 for judges that call no model.</summary>
    public int Calls { get; init; }

    /// <summary>Calls that were retries of a failed attempt.</summary>
    public int Retries { get; init; }

    /// <summary>Judgments answered from a cache.</summary>
    public int CacheHits { get; init; }

    /// <summary>Times a chat judge switched from yes/no logprobs to a verbalized rating because a response had no logprobs.</summary>
    public int VerbalizedFallbacks { get; init; }

    /// <summary>
    /// How the scores were obtained, when the judge says (e.g. "yes/no logprobs; the kernel's IChatClient"); <c>null</c> otherwise.
    /// </summary>
    public string? Method { get; init; }

    /// <summary>Prompt tokens reported by the provider.</summary>
    public long InputTokens { get; init; }

    /// <summary>Completion tokens reported by the provider.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Latency of each model call, in completion order.</summary>
    public IReadOnlyList<TimeSpan> CallLatencies { get; init; } = [];

    /// <summary>Wall-clock time of the whole request.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>A copy of these diagnostics with <see cref="Method"/> set to <paramref name="method"/>.</summary>
    public JudgeDiagnostics WithMethod(string method) => new()
    {
        Judged = Judged,
        Failed = Failed,
        FailuresByKind = FailuresByKind,
        Calls = Calls,
        Retries = Retries,
        CacheHits = CacheHits,
        VerbalizedFallbacks = VerbalizedFallbacks,
        Method = method,
        InputTokens = InputTokens,
        OutputTokens = OutputTokens,
        CallLatencies = CallLatencies,
        Elapsed = Elapsed,
    };

    /// <summary>
    /// The diagnostics of several requests for one query (rounds of feedback) as one: counts, calls, tokens and
    /// latencies add up, <see cref="Elapsed"/> is <paramref name="elapsed"/>, <see cref="Method"/> is the first one given.
    /// </summary>
    public static JudgeDiagnostics Combine(IReadOnlyList<JudgeDiagnostics> parts, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var byKind = new Dictionary<JudgeFailureKind, int>();
        foreach (var (kind, count) in parts.SelectMany(p => p.FailuresByKind))
        {
            byKind[kind] = byKind.GetValueOrDefault(kind) + count;
        }

        return new JudgeDiagnostics
        {
            Judged = parts.Sum(p => p.Judged),
            Failed = parts.Sum(p => p.Failed),
            FailuresByKind = byKind,
            Calls = parts.Sum(p => p.Calls),
            Retries = parts.Sum(p => p.Retries),
            CacheHits = parts.Sum(p => p.CacheHits),
            VerbalizedFallbacks = parts.Sum(p => p.VerbalizedFallbacks),
            Method = parts.Select(p => p.Method).FirstOrDefault(m => m is not null),
            InputTokens = parts.Sum(p => p.InputTokens),
            OutputTokens = parts.Sum(p => p.OutputTokens),
            CallLatencies = parts.SelectMany(p => p.CallLatencies).ToArray(),
            Elapsed = elapsed,
        };
    }

    /// <summary>Counts successes and failures of judgments made without model calls.</summary>
    public static JudgeDiagnostics Summarise(IReadOnlyList<RelevanceJudgment> judgments, TimeSpan elapsed = default)
    {
        ArgumentNullException.ThrowIfNull(judgments);
        var byKind = new Dictionary<JudgeFailureKind, int>();
        int judged = 0;
        foreach (var j in judgments)
        {
            if (j.Succeeded)
            {
                judged++;
            }
            else
            {
                byKind[j.Failure!.Kind] = byKind.GetValueOrDefault(j.Failure.Kind) + 1;
            }
        }

        return new JudgeDiagnostics { Judged = judged, Failed = judgments.Count - judged, FailuresByKind = byKind, Elapsed = elapsed };
    }
}
