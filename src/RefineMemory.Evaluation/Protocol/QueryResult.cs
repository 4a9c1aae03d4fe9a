namespace RefineMemory.Evaluation.Protocol;

/// <summary>What the evaluation measured for one query.</summary>
public sealed class QueryResult
{
    /// <summary>The query's id.</summary>
    public required string QueryId { get; init; }

    /// <summary>The query text as embedded.</summary>
    public required string Query { get; init; }

    /// <summary>Documents in the query's candidate pool.</summary>
    public required int PoolSize { get; init; }

    /// <summary>Relevant documents in the pool.</summary>
    public required int Positives { get; init; }

    /// <summary>Metrics per method name (see <see cref="EvalMethods"/>).</summary>
    public required IReadOnlyDictionary<string, MethodMetrics> Methods { get; init; }

    /// <summary>Whether the query vector was refined (false when too few judgments succeeded).</summary>
    public bool Refined { get; init; }

    /// <summary>Why refinement was skipped, or <c>null</c>.</summary>
    public string? SkippedReason { get; init; }

    /// <summary>Documents the judge was asked about.</summary>
    public int FeedbackDocuments { get; init; }

    /// <summary>Documents the judge could not score (left out of the feedback set).</summary>
    public int JudgeFailures { get; init; }

    /// <summary>Each method's judging cost for this query, by method name (a method not listed judged nothing).</summary>
    public IReadOnlyDictionary<string, JudgeCost> Costs { get; init; } = new Dictionary<string, JudgeCost>();

    /// <summary>Model calls the judge made (0 for gold and simulated judges).</summary>
    public int JudgeCalls { get; init; }

    /// <summary>Rounds of judging of the refined search (<see cref="RefineMemory.Refine.RefinementOptions.FeedbackStrategy"/>).</summary>
    public int FeedbackRounds { get; init; }

    /// <summary>Whether the early-stop strategy stopped judging before the budget was spent.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>Time spent judging the feedback documents.</summary>
    public TimeSpan JudgeTime { get; init; }

    /// <summary>Time spent refining the query vector.</summary>
    public TimeSpan OptimiseTime { get; init; }

    /// <summary>Time to write and embed the HyDE passage; zero when HyDE did not run.</summary>
    public TimeSpan HydeTime { get; init; }

    /// <summary>The loss before each Adam step and after the last; empty when not refined.</summary>
    public IReadOnlyList<double> Loss { get; init; } = [];

    /// <summary>The baseline's first ten pool documents (indices into the dataset's documents).</summary>
    public IReadOnlyList<int> TopBefore { get; init; } = [];

    /// <summary>The refined ranking's first ten pool documents.</summary>
    public IReadOnlyList<int> TopAfter { get; init; } = [];

    /// <summary>1-based rank of the first relevant document before and after refinement (0 when none).</summary>
    public int FirstRelevantBefore { get; init; }

    /// <summary>1-based rank of the first relevant document after refinement (0 when none).</summary>
    public int FirstRelevantAfter { get; init; }
}
