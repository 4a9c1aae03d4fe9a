namespace RefineMemory.Refine;

/// <summary>
/// Which documents the judge sees, and in how many rounds (<see cref="RefinementOptions.FeedbackStrategy"/>). Every
/// strategy judges at most <see cref="RefinementOptions.FeedbackCount"/> documents; all but <see cref="Top"/> choose
/// them from the first search's best <c>SampleDepth</c> (default 100) candidates.
/// </summary>
public enum FeedbackStrategy
{
    /// <summary>The paper's: the first ranking's top documents (and any sampled ones, <see cref="RefinementOptions.FeedbackFromTop"/>), judged in one round.</summary>
    Top,

    /// <summary>
    /// Judge <see cref="RefinementOptions.FeedbackRoundSize"/> documents, refine on everything judged so far, then judge
    /// the next unjudged documents of the refined ranking, until the budget is spent: the refined query can reach
    /// informative documents the first ranking placed too low.
    /// </summary>
    Rounds,

    /// <summary>
    /// One round of documents spread out over the candidates (maximal marginal relevance, weight
    /// <see cref="RefinementOptions.DiversityWeight"/>): near-duplicates of a judged document add little evidence.
    /// </summary>
    Diverse,

    /// <summary>
    /// <see cref="Rounds"/> that stops judging once a round's refinement leaves the top
    /// <see cref="RefinementOptions.EarlyStopDepth"/> of the ranking unchanged (as a set): the judge agreed with the
    /// ranking, so easy queries cost fewer calls.
    /// </summary>
    EarlyStop,
}
