namespace RefineMemory.SemanticKernel.TextSearch;

/// <summary>How <see cref="RefinedTextSearch{TRecord}"/> turns a record into Semantic Kernel's <c>TextSearchResult</c>.</summary>
public sealed class RefinedTextSearchOptions<TRecord>
    where TRecord : class
{
    /// <summary>
    /// The result's name (a title or citation). Default <c>null</c>: the property marked
    /// <c>[TextSearchResultName]</c>, else the record's key.
    /// </summary>
    public Func<TRecord, string?>? Name { get; set; }

    /// <summary>
    /// The result's value (the text the model reads). Default <c>null</c>: the property marked
    /// <c>[TextSearchResultValue]</c>, else the text the judge saw (the decorator's text selector or property).
    /// </summary>
    public Func<TRecord, string>? Value { get; set; }

    /// <summary>The result's link. Default <c>null</c>: the property marked <c>[TextSearchResultLink]</c>, else none.</summary>
    public Func<TRecord, string?>? Link { get; set; }
}
