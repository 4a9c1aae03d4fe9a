namespace RefineMemory.Judge;

/// <summary>
/// Scores how relevant each document is to a query, in [0, 1]. A document the judge could not score
/// gets a typed failure instead of a score: callers drop it from the feedback set, never guess a score.
/// </summary>
public interface IRelevanceJudge
{
    /// <summary>Judges every document of <paramref name="request"/>; the result has one judgment per document, in order.</summary>
    Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default);
}
