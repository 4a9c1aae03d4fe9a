using Microsoft.Extensions.VectorData.ProviderServices;

namespace RefineMemory.Connectors.Filters;

/// <summary>
/// A VectorData filter reduced to what our stores support: one tree that the in-memory store evaluates and the
/// SQLite store renders as SQL, so both accept and refuse exactly the same expressions.
/// </summary>
internal abstract record FilterNode;

internal sealed record AndFilter(FilterNode Left, FilterNode Right) : FilterNode;

internal sealed record OrFilter(FilterNode Left, FilterNode Right) : FilterNode;

internal sealed record NotFilter(FilterNode Operand) : FilterNode;

internal sealed record ConstantFilter(bool Value) : FilterNode;

/// <summary><c>field == value</c> (or <c>!=</c> when <see cref="Equal"/> is false); a null value tests for absence.</summary>
internal sealed record CompareFilter(FilterField Field, bool Equal, object? Value) : FilterNode;

/// <summary><c>field.Contains(value)</c> over a list-valued field (tags).</summary>
internal sealed record TagFilter(FilterField Field, object? Value) : FilterNode;

/// <summary><c>values.Contains(field)</c> over a list of constants.</summary>
internal sealed record InFilter(FilterField Field, IReadOnlyList<object?> Values) : FilterNode;

/// <summary>A boolean field used as a condition.</summary>
internal sealed record TrueFilter(FilterField Field) : FilterNode;

/// <summary>A property of the record: the key (<see cref="DataIndex"/> -1) or a data property, by its index in the model.</summary>
internal sealed record FilterField(PropertyModel Property, int DataIndex)
{
    public bool IsKey => DataIndex < 0;
}
