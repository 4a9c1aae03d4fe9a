using Microsoft.Extensions.VectorData;
using RefineMemory.Embed;
using RefineMemory.Refine;

namespace RefineMemory.Search;

/// <summary>
/// Defaults of <see cref="RefinedVectorSearch{TRecord}"/>: how to read a record's text and vector, how to
/// embed the query, and how to refine. Each per-call <see cref="RefinedVectorSearchRequest{TRecord}"/> may override.
/// </summary>
public sealed class RefinedVectorSearchOptions<TRecord>
    where TRecord : class
{
    /// <summary>
    /// Reads the text the judge sees from a record. When <c>null</c>, <see cref="TextPropertyName"/> is used.
    /// Default <c>null</c>.
    /// </summary>
    public Func<TRecord, string>? TextSelector { get; set; }

    /// <summary>
    /// Reads a record's key as text. Default <c>null</c>: the record model's key property. With
    /// <see cref="VectorSelector"/> and <see cref="TextSelector"/> also set, no VectorData model is needed at all.
    /// </summary>
    public Func<TRecord, string>? KeySelector { get; set; }

    /// <summary>
    /// Reads a record's stored vector (<c>null</c> or empty when the store returned none). Default <c>null</c>:
    /// the vector property chosen by <see cref="VectorPropertyName"/>.
    /// </summary>
    public Func<TRecord, ReadOnlyMemory<float>?>? VectorSelector { get; set; }

    /// <summary>
    /// The data property holding the text the judge sees. Default <c>null</c>: the record's only <c>string</c>
    /// data property (construction fails, naming the candidates, when there is not exactly one).
    /// </summary>
    public string? TextPropertyName { get; set; }

    /// <summary>
    /// The vector property searched and read for refinement. Default <c>null</c>: the record's only vector
    /// property (construction fails, naming them, when there are several).
    /// </summary>
    public string? VectorPropertyName { get; set; }

    /// <summary>
    /// The record definition, for records without VectorData attributes and for dynamic
    /// <c>Dictionary&lt;string, object?&gt;</c> records (required there). Default <c>null</c>: the attributes of <typeparamref name="TRecord"/>.
    /// </summary>
    public VectorStoreCollectionDefinition? Definition { get; set; }

    /// <summary>The task instruction the query is embedded with (and the judge sees). Default <c>null</c>: none.</summary>
    public string? Instruction { get; set; }

    /// <summary>How the query and the instruction are combined. Default <see cref="QueryInstruction.DefaultTemplate"/>.</summary>
    public string InstructionTemplate { get; set; } = QueryInstruction.DefaultTemplate;

    /// <summary>
    /// HyDE (Gao et al. 2022) as the embed stage: the writer's chat model writes hypothetical documents for the query,
    /// and their mean embedding (as documents) is the vector searched first and refined. Default <c>null</c>: the
    /// query itself is embedded. Each call may turn it off (<see cref="RefinedVectorSearchRequest{TRecord}.UseHyde"/>).
    /// </summary>
    public HydeQueryWriter? QueryWriter { get; set; }

    /// <summary>Results returned when a call passes no positive top (the <see cref="Microsoft.Extensions.VectorData.IVectorSearchable{TRecord}"/> path always passes one). Default 10.</summary>
    public int Top { get; set; } = 10;

    /// <summary>Whether calls refine unless the request says otherwise. Default true.</summary>
    public bool Refine { get; set; } = true;

    /// <summary>
    /// How deep the first search goes when part of the feedback sample is drawn from below the top
    /// (<see cref="RefinementOptions.FeedbackFromTop"/> &lt; <see cref="RefinementOptions.FeedbackCount"/>).
    /// Default 100. When the whole sample is the top, the first search returns max(skip + top, feedback count).
    /// </summary>
    public int SampleDepth { get; set; } = 100;

    /// <summary>The refinement settings (feedback count, Adam steps, learning rate). Default: the paper's.</summary>
    public RefinementOptions Refinement { get; set; } = new();

    /// <summary>Checks every setting, naming the one that is wrong.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Top, 1, nameof(Top));
        ArgumentOutOfRangeException.ThrowIfLessThan(SampleDepth, 1, nameof(SampleDepth));
        ArgumentNullException.ThrowIfNull(InstructionTemplate, nameof(InstructionTemplate));
        ArgumentNullException.ThrowIfNull(Refinement, nameof(Refinement));
        Refinement.Validate();
    }
}
