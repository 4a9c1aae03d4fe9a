using RefineMemory.Judge;

namespace RefineMemory.Search;

/// <summary>What a refined search did and what each stage cost.</summary>
public sealed class SearchDiagnostics
{
    /// <summary>Time spent embedding the query.</summary>
    public TimeSpan EmbedTime { get; init; }

    /// <summary>Time spent in the first search.</summary>
    public TimeSpan RetrieveTime { get; init; }

    /// <summary>Time spent judging the feedback documents.</summary>
    public TimeSpan JudgeTime { get; init; }

    /// <summary>Time spent refining the query vector.</summary>
    public TimeSpan OptimiseTime { get; init; }

    /// <summary>Time spent in the search with the refined vector.</summary>
    public TimeSpan RescoreTime { get; init; }

    /// <summary>Time of the whole search.</summary>
    public TimeSpan TotalTime { get; init; }

    /// <summary>Whether the query vector was refined.</summary>
    public bool Refined { get; init; }

    /// <summary>Why refinement did not run (disabled, too few judgments), or <c>null</c>.</summary>
    public string? SkippedReason { get; init; }

    /// <summary>What limited this search though it answered (the judge budget ran out), or <c>null</c>.</summary>
    public string? Note { get; init; }

    /// <summary>Chunks that passed the filter and were ranked.</summary>
    public int Candidates { get; init; }

    /// <summary>
    /// Searches of the collection: 1 for the original ranking (which also yields the feedback sample and, in a
    /// store that keeps it, the ranks before refinement) plus 1 for re-scoring with the refined vector; one more
    /// only if an in-process collection changed during the search and ranks before had to be recomputed.
    /// </summary>
    public int Passes { get; init; }

    /// <summary>Every document sent to the judge, in sample order, with its score or failure.</summary>
    public IReadOnlyList<JudgedChunk> Judged { get; init; } = [];

    /// <summary>The loss before each Adam step (empty when not refined).</summary>
    public IReadOnlyList<double> Loss { get; init; } = [];

    /// <summary>
    /// Why the judged documents' vectors were re-embedded from their texts instead of read from the store
    /// (the store refused <c>IncludeVectors</c>, returned records without vectors, or embeds text itself), or
    /// <c>null</c> when the stored vectors were used.
    /// </summary>
    public string? ReembeddedReason { get; init; }

    /// <summary>The hypothetical documents HyDE wrote and searched with instead of the query, or empty when the query itself was embedded.</summary>
    public IReadOnlyList<string> HypotheticalDocuments { get; init; } = [];

    /// <summary>The step in effect (rate, steps taken, angle turned, losses), or <c>null</c> when not refined.</summary>
    public RefinementStep? Step { get; init; }

    /// <summary>The judge's own diagnostics (calls, retries, cache hits, tokens), or <c>null</c> when nothing was judged.</summary>
    public JudgeDiagnostics? Judge { get; init; }

    /// <summary>Calls to a model judge this search made, retries included (0 for judges that call no model).</summary>
    public int JudgeCalls => Judge?.Calls ?? 0;

    /// <summary>Documents sent to the judge (scored or failed): the feedback budget this search spent.</summary>
    public int Judgements => Judged.Count;

    /// <summary>Rounds of judging (<see cref="Refine.RefinementOptions.FeedbackStrategy"/>); 0 when nothing was judged.</summary>
    public int FeedbackRounds { get; init; }

    /// <summary>Whether the early-stop strategy stopped judging before the budget was spent.</summary>
    public bool StoppedEarly { get; init; }
}

/// <summary>
/// A judged chunk: its judge score (or the failure that removed it from the feedback set) and its cosine
/// to the query before and after refinement (<see cref="CosineAfter"/> is <c>null</c> when it was not refined against).
/// </summary>
public sealed record JudgedChunk(string Id, int RankBefore, float? Score, string? Failure, float CosineBefore, float? CosineAfter)
{
    /// <summary>The kind of the judge's failure for this chunk (<see cref="Failure"/> says it in words), or <c>null</c> when it was scored.</summary>
    public Judge.JudgeFailureKind? FailureKind { get; init; }
}
