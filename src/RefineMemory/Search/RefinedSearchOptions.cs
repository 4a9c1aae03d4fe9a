using RefineMemory.Embed;
using RefineMemory.Refine;

namespace RefineMemory.Search;

/// <summary>
/// The defaults of a refined search, the one options type of the pipeline: <see cref="RefinedSearch"/> takes it as
/// it is, and <see cref="RefinedVectorSearchOptions{TRecord}"/> adds only how to read a record. Each per-call
/// <see cref="RefinedVectorSearchRequest{TRecord}"/> may override.
/// </summary>
public class RefinedSearchOptions
{
    /// <summary>
    /// The task instruction the query is embedded with (and the judge sees). Default <c>null</c>: none. A memory
    /// collection's own instruction, when it has one, takes its place.
    /// </summary>
    public string? Instruction { get; set; }

    /// <summary>How the query and the instruction are combined. Default <see cref="QueryInstruction.DefaultTemplate"/>; a memory collection's own template takes its place.</summary>
    public string InstructionTemplate { get; set; } = QueryInstruction.DefaultTemplate;

    /// <summary>
    /// HyDE (Gao et al. 2022) as the embed stage: the writer's chat model writes hypothetical documents for the query,
    /// and their mean embedding (as documents) is the vector searched first and refined. Default <c>null</c>: the
    /// query itself is embedded. Each call may turn it off (<see cref="RefinedVectorSearchRequest{TRecord}.UseHyde"/>).
    /// </summary>
    public HydeQueryWriter? QueryWriter { get; set; }

    /// <summary>Results returned when a call does not say. Default 10.</summary>
    public int Top { get; set; } = 10;

    /// <summary>Whether calls refine unless the request says otherwise. Default true.</summary>
    public bool Refine { get; set; } = true;

    /// <summary>
    /// How deep the first search goes when part of the feedback sample is drawn from below the top
    /// (<see cref="RefinementOptions.FeedbackFromTop"/> &lt; <see cref="RefinementOptions.FeedbackCount"/>).
    /// Default 100. When the whole sample is the top, the first search returns max(skip + top, feedback count).
    /// </summary>
    public int SampleDepth { get; set; } = 100;

    /// <summary>The refinement settings (feedback count, Adam steps, learning rate). Default: the validated step.</summary>
    public RefinementOptions Refinement { get; set; } = new();

    /// <summary>Checks every setting, naming the one that is wrong.</summary>
    public virtual void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Top, 1, nameof(Top));
        ArgumentOutOfRangeException.ThrowIfLessThan(SampleDepth, 1, nameof(SampleDepth));
        ArgumentNullException.ThrowIfNull(InstructionTemplate, nameof(InstructionTemplate));
        ArgumentNullException.ThrowIfNull(Refinement, nameof(Refinement));
        Refinement.Validate();
    }
}
