using System.Globalization;
using System.Reflection;
using Microsoft.SemanticKernel.Data;
using RefineMemory.Search;

namespace RefineMemory.SemanticKernel.TextSearch;

/// <summary>
/// Reads name, value and link of a record: the caller's selectors, else the properties carrying Semantic Kernel's
/// <see cref="TextSearchResultNameAttribute"/> / <see cref="TextSearchResultValueAttribute"/> / <see cref="TextSearchResultLinkAttribute"/>
/// (as SK's own VectorStoreTextSearch does), else the record's key and the text the judge saw.
/// </summary>
internal sealed class TextSearchRecordReader<TRecord>
    where TRecord : class
{
    private readonly Func<TRecord, string?> _name;
    private readonly Func<TRecord, string> _value;
    private readonly Func<TRecord, string?> _link;

    public TextSearchRecordReader(RefinedVectorSearch<TRecord> search, RefinedTextSearchOptions<TRecord> options)
    {
        _name = options.Name ?? Marked<TextSearchResultNameAttribute>() ?? search.KeyOf;
        _value = options.Value ?? (Marked<TextSearchResultValueAttribute>() is { } value ? r => value(r) ?? string.Empty : search.TextOf);
        _link = options.Link ?? Marked<TextSearchResultLinkAttribute>() ?? (_ => null);
    }

    public string Value(TRecord record) => _value(record);

    public TextSearchResult Result(TRecord record) => new(_value(record)) { Name = _name(record), Link = _link(record) };

    private static Func<TRecord, string?>? Marked<TAttribute>()
        where TAttribute : Attribute
    {
        var property = typeof(TRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => p.IsDefined(typeof(TAttribute)));
        return property is null ? null : r => Convert.ToString(property.GetValue(r), CultureInfo.InvariantCulture);
    }
}
