using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel.Data;

#pragma warning disable CS0618 // TextSearchFilter is obsolete, but SK's TextSearchProvider and plugin factory still pass it.

namespace RefineMemory.SemanticKernel.TextSearch;

/// <summary>
/// The obsolete <see cref="TextSearchFilter"/> (equality and any-tag clauses) as the LINQ filter VectorData stores take:
/// <c>r =&gt; r.A == a &amp;&amp; r.Tags.Contains(t)</c> on the record's public properties.
/// </summary>
internal static class EqualityFilter
{
    public static Expression<Func<TRecord, bool>>? ToExpression<TRecord>(TextSearchFilter? filter)
    {
        if (filter?.FilterClauses is not { } clauses || !clauses.Any())
        {
            return null;
        }

        var record = Expression.Parameter(typeof(TRecord), "r");
        Expression? body = null;
        foreach (var clause in clauses)
        {
            Expression test = clause switch
            {
                EqualToFilterClause equal => Equal(record, equal),
                AnyTagEqualToFilterClause tag => AnyTag(record, tag),
                _ => throw new NotSupportedException($"RefinedTextSearch supports equality and any-tag filter clauses; got {clause.GetType().Name}. Use ITextSearch<{typeof(TRecord).Name}> with a LINQ filter."),
            };
            body = body is null ? test : Expression.AndAlso(body, test);
        }

        return Expression.Lambda<Func<TRecord, bool>>(body!, record);
    }

    private static BinaryExpression Equal(ParameterExpression record, EqualToFilterClause clause)
    {
        var property = Property(record.Type, clause.FieldName);
        var value = clause.Value is null
            ? Expression.Constant(null, property.PropertyType)
            : Expression.Constant(Convert(clause.Value, property.PropertyType, clause.FieldName), property.PropertyType);
        return Expression.Equal(Expression.Property(record, property), value);
    }

    private static MethodCallExpression AnyTag(ParameterExpression record, AnyTagEqualToFilterClause clause)
    {
        var property = Property(record.Type, clause.FieldName);
        if (!typeof(IEnumerable<string>).IsAssignableFrom(property.PropertyType))
        {
            throw new NotSupportedException($"The any-tag filter names '{clause.FieldName}', which is {property.PropertyType.Name}, not a list of strings.");
        }

        var contains = typeof(Enumerable).GetMethods().First(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2).MakeGenericMethod(typeof(string));
        return Expression.Call(contains, Expression.Property(record, property), Expression.Constant(clause.Value));
    }

    private static PropertyInfo Property(Type recordType, string name) =>
        recordType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance)
        ?? throw new NotSupportedException($"The filter names '{name}', which is not a public property of {recordType.Name}.");

    private static object Convert(object value, Type type, string field)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            return target.IsInstanceOfType(value) ? value : System.Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
        {
            throw new ArgumentException($"The filter value for '{field}' ({value}) cannot be converted to {target.Name}.", nameof(value), ex);
        }
    }
}
