using Microsoft.Extensions.VectorData;

namespace RefineMemory.Search;

/// <summary>Per-call settings of <see cref="RefinedVectorSearch{TRecord}.SearchAsync"/>; each <c>null</c> falls back to the options.</summary>
public sealed class RefinedVectorSearchRequest<TRecord>
    where TRecord : class
{
    /// <summary>
    /// Passed to the store: <see cref="VectorSearchOptions{TRecord}.Filter"/> applies to both searches,
    /// <see cref="VectorSearchOptions{TRecord}.Skip"/>, <see cref="VectorSearchOptions{TRecord}.ScoreThreshold"/>
    /// and <see cref="VectorSearchOptions{TRecord}.IncludeVectors"/> to the results returned.
    /// </summary>
    public VectorSearchOptions<TRecord>? SearchOptions { get; set; }

    /// <summary>Documents judged (<see cref="Refine.RefinementOptions.FeedbackCount"/>).</summary>
    public int? FeedbackCount { get; set; }

    /// <summary>How many of the judged documents are the top-ranked ones.</summary>
    public int? FeedbackFromTop { get; set; }

    /// <summary>Which documents to judge, and in how many rounds (<see cref="Refine.RefinementOptions.FeedbackStrategy"/>).</summary>
    public Refine.FeedbackStrategy? FeedbackStrategy { get; set; }

    /// <summary>Whether to judge and refine; false returns the store's plain ranking.</summary>
    public bool? Refine { get; set; }

    /// <summary>Total time the judge may take for this query (<see cref="Refine.RefinementOptions.JudgeBudget"/>).</summary>
    public TimeSpan? JudgeBudget { get; set; }

    /// <summary>Reports judging progress for this query, or <c>null</c>.</summary>
    public IProgress<Refine.JudgeProgress>? JudgeProgress { get; set; }

    /// <summary>Task instruction for this query, overriding <see cref="RefinedSearchOptions.Instruction"/>.</summary>
    public string? Instruction { get; set; }

    /// <summary>
    /// The query's embedding when the caller already has it (made with the instruction and template in effect, for
    /// queries), so the search skips the embed stage; empty or <c>null</c>: the query text is embedded.
    /// </summary>
    public ReadOnlyMemory<float>? QueryVector { get; set; }

    /// <summary>Whether to embed the query through <see cref="RefinedSearchOptions.QueryWriter"/> (HyDE) when one is set. Default true.</summary>
    public bool? UseHyde { get; set; }
}
