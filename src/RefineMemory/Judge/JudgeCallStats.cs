namespace RefineMemory.Judge;

/// <summary>Thread-safe tally of the model calls of one judge request.</summary>
internal sealed class JudgeCallStats
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _latencies = [];
    private int _retries;
    private int _fallbacks;
    private long _input;
    private long _output;

    public void Call(TimeSpan latency, long? inputTokens, long? outputTokens)
    {
        lock (_gate)
        {
            _latencies.Add(latency);
            _input += inputTokens ?? 0;
            _output += outputTokens ?? 0;
        }
    }

    public void Retry() => Interlocked.Increment(ref _retries);

    public void Fallback() => Interlocked.Increment(ref _fallbacks);

    public JudgeDiagnostics ToDiagnostics(IReadOnlyList<RelevanceJudgment> judgments, TimeSpan elapsed)
    {
        var counts = JudgeDiagnostics.Summarise(judgments, elapsed);
        lock (_gate)
        {
            return new JudgeDiagnostics
            {
                Judged = counts.Judged,
                Failed = counts.Failed,
                FailuresByKind = counts.FailuresByKind,
                Calls = _latencies.Count,
                Retries = _retries,
                InputTokens = _input,
                OutputTokens = _output,
                CallLatencies = _latencies.ToArray(),
                VerbalizedFallbacks = _fallbacks,
                Elapsed = elapsed,
            };
        }
    }
}
