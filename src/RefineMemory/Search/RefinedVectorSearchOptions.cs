using Microsoft.Extensions.VectorData;

namespace RefineMemory.Search;

/// <summary>
/// Defaults of <see cref="RefinedVectorSearch{TRecord}"/>: the search defaults of <see cref="RefinedSearchOptions"/>
/// and how to read a record's key, text and vector.
/// </summary>
public sealed class RefinedVectorSearchOptions<TRecord> : RefinedSearchOptions
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
}
