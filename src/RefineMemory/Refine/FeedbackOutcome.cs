using RefineMemory.Judge;

namespace RefineMemory.Refine;

/// <summary>The result of judging a feedback sample and refining the query against it.</summary>
public sealed class FeedbackOutcome
{
    internal FeedbackOutcome(float[] queryVector, RefinementResult? refinement, JudgeResult judgments, string? skippedReason, TimeSpan judgeTime, TimeSpan optimiseTime)
    {
        QueryVector = queryVector;
        Refinement = refinement;
        Judgments = judgments;
        SkippedReason = skippedReason;
        JudgeTime = judgeTime;
        OptimiseTime = optimiseTime;
    }

    /// <summary>The vector to re-score with: the refined one, or the original when refinement was skipped.</summary>
    public float[] QueryVector { get; }

    /// <summary>Whether the query was refined.</summary>
    public bool Refined => Refinement is not null;

    /// <summary>The optimisation's result (loss curve, judged documents), or <c>null</c> when skipped.</summary>
    public RefinementResult? Refinement { get; }

    /// <summary>Every judgment, failed ones included, in sample order, with the judge's diagnostics.</summary>
    public JudgeResult Judgments { get; }

    /// <summary>What limited judging (the judge budget ran out), whether or not the query was refined; <c>null</c> when nothing did.</summary>
    public string? Note { get; init; }

    /// <summary>Why refinement was skipped, or <c>null</c>.</summary>
    public string? SkippedReason { get; }

    /// <summary>Time spent judging.</summary>
    public TimeSpan JudgeTime { get; private init; }

    /// <summary>Time spent refining the vector.</summary>
    public TimeSpan OptimiseTime { get; private init; }

    /// <summary>
    /// Which candidates were judged, as indices into the candidates offered, in judging order; <c>null</c> when all of
    /// them were (<see cref="FeedbackStrategy.Top"/>). <see cref="Judgments"/> follow this order.
    /// </summary>
    public IReadOnlyList<int>? Selected { get; private init; }

    /// <summary>Rounds of judging (1 unless the strategy judges in rounds).</summary>
    public int Rounds { get; private init; } = 1;

    /// <summary>Whether <see cref="FeedbackStrategy.EarlyStop"/> stopped judging before the budget was spent.</summary>
    public bool StoppedEarly { get; private init; }

    /// <summary>This outcome as the result of a strategy that judged <paramref name="selected"/> in <paramref name="rounds"/> rounds.</summary>
    internal FeedbackOutcome Planned(IReadOnlyList<int> selected, int rounds, bool stoppedEarly, TimeSpan judgeTime, TimeSpan optimiseTime, string? note = null) =>
        new(QueryVector, Refinement, Judgments, SkippedReason, judgeTime, optimiseTime)
        {
            Note = note ?? Note,
            Selected = selected,
            Rounds = rounds,
            StoppedEarly = stoppedEarly,
        };
}
