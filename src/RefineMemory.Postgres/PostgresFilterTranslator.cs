using System.Linq.Expressions;
using System.Text;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;

namespace RefineMemory.Postgres;

/// <summary>
/// Translates a VectorData filter into a SQL condition whose values are all parameters ($n): <c>==</c>,
/// <c>!=</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, a bool property alone, <c>Contains</c> on an array
/// or list property (a tag list, served by its GIN index) and <c>new[] { ... }.Contains(r.Field)</c> (<c>= ANY</c>). Anything else is a <see cref="NotSupportedException"/>
/// naming the expression. C# semantics are kept where SQL's NULL differs: <c>!=</c> is <c>IS DISTINCT FROM</c>
/// and <c>!</c> is <c>IS NOT TRUE</c>, so records with a null field match a negated condition.
/// </summary>
internal sealed class PostgresFilterTranslator : FilterTranslatorBase
{
    private readonly StringBuilder _sql = new();
    private readonly List<object?> _values;

    private PostgresFilterTranslator(List<object?> values) => _values = values;

    /// <summary>The condition; its values are appended to <paramref name="values"/> (the statement's positional parameters so far).</summary>
    public static string Translate(LambdaExpression filter, CollectionModel model, List<object?> values)
    {
        var translator = new PostgresFilterTranslator(values);
        var body = translator.PreprocessFilter(filter, model, new FilterPreprocessingOptions { SupportsParameterization = true });
        translator.Condition(body);
        return translator._sql.ToString();
    }

    private void Condition(Expression node)
    {
        switch (node)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.OrElse } logical:
                _sql.Append('(');
                Condition(logical.Left);
                _sql.Append(logical.NodeType == ExpressionType.AndAlso ? " AND " : " OR ");
                Condition(logical.Right);
                _sql.Append(')');
                return;
            case BinaryExpression { NodeType: ExpressionType.Equal or ExpressionType.NotEqual } comparison:
                Comparison(comparison);
                return;
            case UnaryExpression { NodeType: ExpressionType.Not } not:
                _sql.Append("((");
                Condition(not.Operand);
                _sql.Append(") IS NOT TRUE)");
                return;
            case MethodCallExpression call when TryMatchContains(call, out var source, out var item) && TryBindProperty(source, out var array) && Value(item, out object? element):
                _sql.Append('(').Append(Column(array)).Append(" @> ").Append(Parameter(OneElementArray(array, element))).Append(')');
                return;
            case MethodCallExpression call when TryMatchContains(call, out var source, out var item) && Column(item, out string? column) && Values(source, out var values):
                _sql.Append('(').Append(column).Append(" = ANY(").Append(Parameter(values)).Append("))");
                return;
            case var _ when Column(node, out string? column) && (Nullable.GetUnderlyingType(node.Type) ?? node.Type) == typeof(bool):
                _sql.Append('(').Append(column).Append(" IS TRUE)");
                return;
            default:
                throw Unsupported(node);
        }
    }

    private void Comparison(BinaryExpression comparison)
    {
        bool equal = comparison.NodeType == ExpressionType.Equal;
        if (!(Column(comparison.Left, out string? column) && Value(comparison.Right, out object? value))
            && !(Column(comparison.Right, out column) && Value(comparison.Left, out value)))
        {
            throw Unsupported(comparison);
        }

        _sql.Append('(').Append(column).Append(value is null
            ? (equal ? " IS NULL" : " IS NOT NULL")
            : (equal ? " = " : " IS DISTINCT FROM ") + Parameter(value)).Append(')');
    }

    private bool Column(Expression node, out string? column)
    {
        // (T)r["Name"] in dynamic collections, and widening to a nullable type in r => r.Int == nullableInt.
        while (node is UnaryExpression { NodeType: ExpressionType.Convert } convert)
        {
            node = convert.Operand;
        }

        column = TryBindProperty(node, out var property) ? Column(property) : null;
        return column is not null;
    }

    private static string Column(PropertyModel property) => PostgresSql.Quote(property.StorageName);

    private static bool Value(Expression node, out object? value)
    {
        while (node is UnaryExpression { NodeType: ExpressionType.Convert } convert)
        {
            node = convert.Operand;
        }

        (bool found, value) = node switch
        {
            ConstantExpression constant => (true, constant.Value),
            QueryParameterExpression parameter => (true, parameter.Value),
            _ => (false, null),
        };
        return found;
    }

    /// <summary>The values of <c>new[] { ... }.Contains(r.Field)</c> or of a captured array or list, as a typed array.</summary>
    private static bool Values(Expression source, out Array? values)
    {
        values = null;
        if (source is NewArrayExpression newArray)
        {
            var items = new object?[newArray.Expressions.Count];
            for (int i = 0; i < items.Length; i++)
            {
                if (!Value(newArray.Expressions[i], out items[i]))
                {
                    return false;
                }
            }

            values = Array.CreateInstance(newArray.Type.GetElementType()!, items.Length);
            Array.Copy(items, values, items.Length);
            return true;
        }

        if (Value(source, out object? captured) && captured is System.Collections.IEnumerable sequence and not string
            && PostgresModelBuilder.ElementType(captured.GetType()) is { } element)
        {
            var items = sequence.Cast<object?>().ToArray();
            values = Array.CreateInstance(element, items.Length);
            Array.Copy(items, values, items.Length);
            return true;
        }

        return false;
    }

    private static Array OneElementArray(PropertyModel property, object? element)
    {
        Type type = PostgresModelBuilder.ElementType(property.Type)
            ?? throw new NotSupportedException($"Contains is translated on array and list properties; '{property.ModelName}' is a {property.Type.Name}.");
        var array = Array.CreateInstance(type, 1);
        array.SetValue(element, 0);
        return array;
    }

    private string Parameter(object? value)
    {
        _values.Add(value);
        return "$" + _values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static NotSupportedException Unsupported(Expression node) =>
        new($"The PostgreSQL connector cannot translate the filter expression '{node}' ({node.NodeType}); it supports ==, !=, &&, ||, !, bool properties, Contains on a list property and a list of values' Contains of a property.");
}
