namespace RefineMemory.Search;

/// <summary>Per-call settings of a refined search; each <c>null</c> falls back to <see cref="RefinedSearchOptions"/>.</summary>
public sealed class SearchOptions
{
    /// <summary>How many results to return.</summary>
    public int? Top { get; set; }

    /// <summary>Task instruction for this query, overriding the collection's.</summary>
    public string? Instruction { get; set; }

    /// <summary>Whether to judge and refine (false returns the plain cosine ranking).</summary>
    public bool? Refine { get; set; }

    /// <summary>Documents judged.</summary>
    public int? FeedbackCount { get; set; }

    /// <summary>How many of the judged documents are the top-ranked ones (the rest are sampled from below).</summary>
    public int? FeedbackFromTop { get; set; }

    /// <summary>Total time the judge may take for this query (see <see cref="Refine.RefinementOptions.JudgeBudget"/>).</summary>
    public TimeSpan? JudgeBudget { get; set; }

    /// <summary>Receives judging progress (documents answered against the budget), e.g. for a terminal; default none.</summary>
    public IProgress<Refine.JudgeProgress>? JudgeProgress { get; set; }

    /// <summary>Only chunks whose metadata holds every one of these tags (exact, ordinal match) are retrieved.</summary>
    public IReadOnlyDictionary<string, string>? Filter { get; set; }
}
