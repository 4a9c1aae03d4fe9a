using RefineMemory.Refine;

namespace RefineMemory.Search;

/// <summary>Defaults of <see cref="RefinedSearch"/>.</summary>
public sealed class RefinedSearchOptions
{
    /// <summary>Results returned when a call does not say. Default 10.</summary>
    public int Top { get; set; } = 10;

    /// <summary>Whether calls refine unless they say otherwise. Default true.</summary>
    public bool Refine { get; set; } = true;

    /// <summary>The refinement settings (feedback counts, Adam steps, learning rate). Default: the paper's.</summary>
    public RefinementOptions Refinement { get; set; } = new();

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Top, 1, nameof(Top));
        ArgumentNullException.ThrowIfNull(Refinement, nameof(Refinement));
        Refinement.Validate();
    }
}
