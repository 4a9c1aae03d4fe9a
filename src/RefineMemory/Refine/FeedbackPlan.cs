namespace RefineMemory.Refine;

/// <summary>
/// Where a search hands over to the feedback strategy (<see cref="RefinementOptions.FeedbackStrategy"/>): which of the
/// first ranking's positions become candidates, and how they are judged and refined on.
/// </summary>
public static class FeedbackPlan
{
    /// <summary>
    /// Positions into a first ranking of <paramref name="rankedCount"/> results to offer as candidates:
    /// <see cref="FeedbackStrategy.Top"/>'s sample (<see cref="FeedbackSampler"/>, unchanged), or for the other
    /// strategies the whole ranking, from which they pick at most <see cref="RefinementOptions.FeedbackCount"/>.
    /// </summary>
    public static int[] Candidates(int rankedCount, RefinementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.FeedbackStrategy == FeedbackStrategy.Top
            ? FeedbackSampler.Select(rankedCount, options.FeedbackCount, options.FeedbackFromTop, options.Seed)
            : Enumerable.Range(0, rankedCount).ToArray();
    }

    /// <summary>Whether the first search must go deeper than the feedback count to offer the strategy its candidates.</summary>
    public static bool NeedsDepth(RefinementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.FeedbackStrategy != FeedbackStrategy.Top || options.FeedbackFromTop < options.FeedbackCount;
    }

    /// <summary>
    /// Judges the candidates the strategy picks and refines <paramref name="queryVector"/> on them. For
    /// <see cref="FeedbackStrategy.Top"/> this is <see cref="FeedbackRefiner.RefineAsync(string, string?, ReadOnlyMemory{float}, IReadOnlyList{FeedbackCandidate}, RefinementOptions?, IProgress{JudgeProgress}?, CancellationToken)"/>
    /// on all of them; for the others <see cref="FeedbackOutcome.Selected"/> says which were judged.
    /// </summary>
    public static Task<FeedbackOutcome> RunAsync(
        FeedbackRefiner refiner,
        string query,
        string? instruction,
        ReadOnlyMemory<float> queryVector,
        IReadOnlyList<FeedbackCandidate> candidates,
        RefinementOptions options,
        IProgress<JudgeProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refiner);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        return options.FeedbackStrategy switch
        {
            FeedbackStrategy.Top => refiner.RefineAsync(query, instruction, queryVector, candidates, options, progress, cancellationToken),
            FeedbackStrategy.Diverse => DiverseAsync(refiner, query, instruction, queryVector, candidates, options, progress, cancellationToken),
            _ => new FeedbackRounds(refiner, options, progress).RunAsync(query, instruction, queryVector, candidates, cancellationToken),
        };
    }

    private static async Task<FeedbackOutcome> DiverseAsync(
        FeedbackRefiner refiner, string query, string? instruction, ReadOnlyMemory<float> queryVector, IReadOnlyList<FeedbackCandidate> candidates,
        RefinementOptions options, IProgress<JudgeProgress>? progress, CancellationToken cancellationToken)
    {
        int[] picked = DiverseSelection.Select(queryVector, candidates, options.FeedbackCount, options.DiversityWeight);
        var outcome = await refiner.RefineAsync(query, instruction, queryVector, picked.Select(i => candidates[i]).ToArray(), options, progress, cancellationToken).ConfigureAwait(false);
        return outcome.Planned(picked, rounds: 1, stoppedEarly: false, outcome.JudgeTime, outcome.OptimiseTime);
    }
}
