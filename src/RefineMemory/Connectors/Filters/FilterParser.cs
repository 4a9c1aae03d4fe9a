using System.Collections;
using System.Linq.Expressions;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;

namespace RefineMemory.Connectors.Filters;

/// <summary>
/// Turns a VectorData filter (<c>Expression&lt;Func&lt;TRecord, bool&gt;&gt;</c>) into a <see cref="FilterNode"/>:
/// <c>==</c>, <c>!=</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, <c>Contains</c> on a list property and over a list
/// of constants. Anything else is a <see cref="NotSupportedException"/> naming the expression. Captured
/// variables are inlined by VectorData's own preprocessing.
/// </summary>
internal sealed class FilterParser : FilterTranslatorBase
{
    private readonly string _store;
    private readonly LambdaExpression _filter;

    private FilterParser(string store, LambdaExpression filter)
    {
        _store = store;
        _filter = filter;
    }

    public static FilterNode Parse(LambdaExpression filter, CollectionModel model, string store)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var parser = new FilterParser(store, filter);
        var body = parser.PreprocessFilter(filter, model, new FilterPreprocessingOptions { SupportsParameterization = false });
        return parser.Node(body);
    }

    private FilterNode Node(Expression e)
    {
        switch (e)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso } b:
                return new AndFilter(Node(b.Left), Node(b.Right));
            case BinaryExpression { NodeType: ExpressionType.OrElse } b:
                return new OrFilter(Node(b.Left), Node(b.Right));
            case BinaryExpression { NodeType: ExpressionType.Equal or ExpressionType.NotEqual } b:
                return Compare(b);
            case UnaryExpression { NodeType: ExpressionType.Not } u:
                return new NotFilter(Node(u.Operand));
            case ConstantExpression { Value: bool value }:
                return new ConstantFilter(value);
            case MethodCallExpression call when TryMatchContains(call, out var source, out var item):
                return Contains(call, source, item);
            default:
                if (TryField(e, out var field) && field.Property.Type == typeof(bool))
                {
                    return new TrueFilter(field);
                }

                throw Unsupported(e);
        }
    }

    private CompareFilter Compare(BinaryExpression b)
    {
        bool equal = b.NodeType == ExpressionType.Equal;
        if (TryField(b.Left, out var field) && TryConstant(b.Right, out object? value))
        {
            return new CompareFilter(field, equal, value);
        }

        if (TryField(b.Right, out field) && TryConstant(b.Left, out value))
        {
            return new CompareFilter(field, equal, value);
        }

        throw Unsupported(b);
    }

    private FilterNode Contains(MethodCallExpression call, Expression source, Expression item)
    {
        if (TryField(source, out var list) && TryConstant(item, out object? value))
        {
            return new TagFilter(list, value);
        }

        if (TryField(item, out var field) && TryConstants(source, out var values))
        {
            return new InFilter(field, values);
        }

        throw Unsupported(call);
    }

    private bool TryField(Expression e, out FilterField field)
    {
        while (e is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            e = convert.Operand;
        }

        field = null!;
        if (!TryBindProperty(e, out var property))
        {
            return false;
        }

        if (property is VectorPropertyModel)
        {
            throw new NotSupportedException($"The filter '{_filter}' tests vector property '{property.ModelName}'; {_store} filters only key and data properties.");
        }

        field = new FilterField(property, property is KeyPropertyModel ? -1 : IndexOf(property));
        return true;
    }

    private int IndexOf(PropertyModel property)
    {
        for (int i = 0; i < Model.DataProperties.Count; i++)
        {
            if (ReferenceEquals(Model.DataProperties[i], property))
            {
                return i;
            }
        }

        throw Unsupported(Expression.Constant(property.ModelName));
    }

    private static bool TryConstant(Expression e, out object? value)
    {
        while (e is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            e = convert.Operand;
        }

        value = (e as ConstantExpression)?.Value;
        return e is ConstantExpression && value is not IEnumerable or string;
    }

    private static bool TryConstants(Expression e, out IReadOnlyList<object?> values)
    {
        values = [];
        switch (e)
        {
            case ConstantExpression { Value: IEnumerable items and not string }:
                values = items.Cast<object?>().ToArray();
                return true;
            case NewArrayExpression array:
                var list = new List<object?>(array.Expressions.Count);
                foreach (var element in array.Expressions)
                {
                    if (!TryConstant(element, out object? v))
                    {
                        return false;
                    }

                    list.Add(v);
                }

                values = list;
                return true;
            default:
                return false;
        }
    }

    private NotSupportedException Unsupported(Expression node) => new(
        $"The filter expression '{node}' (in '{_filter}') is not supported by {_store}; supported: ==, !=, &&, ||, ! over key and data properties, " +
        "a boolean property alone, and Contains on a list property or over a list of constants.");
}
