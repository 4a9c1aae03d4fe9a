using RefineMemory.Refine;

namespace RefineMemory.Search;

/// <summary>Defaults of <see cref="RefinedSearch"/>.</summary>
public sealed class RefinedSearchOptions
{
    /// <summary>Results returned when a call does not say. Default 10.</summary>
    public int Top { get; set; } = 10;

    /// <summary>Whether calls refine unless they say otherwise. Default true.</summary>
    public bool Refine { get; set; } = true;

    /// <summary>
    /// How deep the first search goes when part of the feedback sample is drawn from below the top
    /// (<see cref="RefinementOptions.FeedbackFromTop"/> &lt; <see cref="RefinementOptions.FeedbackCount"/>). Default 100.
    /// </summary>
    public int SampleDepth { get; set; } = 100;

    /// <summary>HyDE as the embed stage (<see cref="RefinedVectorSearchOptions{TRecord}.QueryWriter"/>). Default <c>null</c>: the query is embedded.</summary>
    public Embed.HydeQueryWriter? QueryWriter { get; set; }

    /// <summary>The refinement settings (feedback counts, Adam steps, learning rate). Default: the paper's.</summary>
    public RefinementOptions Refinement { get; set; } = new();

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Top, 1, nameof(Top));
        ArgumentOutOfRangeException.ThrowIfLessThan(SampleDepth, 1, nameof(SampleDepth));
        ArgumentNullException.ThrowIfNull(Refinement, nameof(Refinement));
        Refinement.Validate();
    }
}
