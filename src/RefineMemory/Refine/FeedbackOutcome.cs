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

    public TimeSpan JudgeTime { get; }

    public TimeSpan OptimiseTime { get; }
}
