namespace RefineMemory.Evaluation.Protocol;

/// <summary>
/// What one method's ranking of one query cost in judging: calls to a model judge (0 for judges that call no model)
/// and documents judged, scored or failed. Kept apart from <see cref="MethodMetrics"/>, which say only how good the ranking is.
/// </summary>
public sealed record JudgeCost(int Calls, int Judgements)
{
    /// <summary>No judging (the baseline, HyDE).</summary>
    public static JudgeCost None { get; } = new(0, 0);
}
