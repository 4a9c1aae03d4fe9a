using System.Linq.Expressions;
using Microsoft.Extensions.VectorData.ProviderServices;
using RefineMemory.Connectors.Filters;

namespace RefineMemory.Postgres;

/// <summary>
/// The PostgreSQL connector's filter translator: a parsed filter (<see cref="FilterParser"/>, the one our in-memory and
/// SQLite stores use, so all three accept and refuse the same expressions) becomes a SQL condition whose values are
/// all parameters ($n). C# semantics are kept where SQL's NULL differs: <c>!=</c> is <c>IS DISTINCT FROM</c> and
/// <c>!</c> is <c>IS NOT TRUE</c>, so records with a null field match a negated condition. <c>Contains</c> on a list
/// property is <c>@&gt;</c> (served by its GIN index), over a list of values <c>= ANY</c>.
/// </summary>
internal sealed class PostgresFilterTranslator : SqlFilterWriter
{
    private readonly List<object?> _values;

    private PostgresFilterTranslator(List<object?> values) => _values = values;

    /// <summary>The condition; its values are appended to <paramref name="values"/> (the statement's positional parameters so far).</summary>
    public static string Translate(LambdaExpression filter, CollectionModel model, List<object?> values)
    {
        var translator = new PostgresFilterTranslator(values);
        translator.Write(FilterParser.Parse(filter, model, "the PostgreSQL connector"));
        return translator.Sql.ToString();
    }

    protected override void WriteCondition(FilterNode node)
    {
        switch (node)
        {
            case NotFilter not:
                Sql.Append("((");
                Write(not.Operand);
                Sql.Append(") IS NOT TRUE)");
                break;
            case ConstantFilter c:
                Sql.Append(c.Value ? "TRUE" : "FALSE");
                break;
            case CompareFilter c:
                Sql.Append('(').Append(Column(c.Field)).Append(c.Value is null
                    ? (c.Equal ? " IS NULL" : " IS NOT NULL")
                    : (c.Equal ? " = " : " IS DISTINCT FROM ") + Parameter(c.Value)).Append(')');
                break;
            case TagFilter t:
                Sql.Append('(').Append(Column(t.Field)).Append(" @> ").Append(Parameter(TypedArray(t.Field.Property.Type, [t.Value]))).Append(')');
                break;
            case InFilter i:
                var present = i.Values.Where(v => v is not null).ToArray();
                Sql.Append('(').Append(Column(i.Field)).Append(" = ANY(").Append(Parameter(TypedArray(i.Field.Property.Type, present, element: true))).Append(')');
                Sql.Append(present.Length < i.Values.Count ? $" OR {Column(i.Field)} IS NULL)" : ")");
                break;
            case TrueFilter t:
                Sql.Append('(').Append(Column(t.Field)).Append(" IS TRUE)");
                break;
            default:
                throw new NotSupportedException($"Filter node {node.GetType().Name} is not supported by the PostgreSQL connector.");
        }
    }

    private static string Column(FilterField field) => PostgresSql.Quote(field.Property.StorageName);

    /// <summary>The values as an array of the column's element type (of the property itself with <paramref name="element"/>), as Npgsql sends arrays.</summary>
    private static Array TypedArray(Type propertyType, object?[] values, bool element = false)
    {
        Type type = element
            ? Nullable.GetUnderlyingType(propertyType) ?? propertyType
            : PostgresModelBuilder.ElementType(propertyType)
                ?? throw new NotSupportedException($"Contains is translated on array and list properties; this one is a {propertyType.Name}.");
        var array = Array.CreateInstance(type, values.Length);
        Array.Copy(values, array, values.Length);
        return array;
    }

    private string Parameter(object? value)
    {
        _values.Add(value);
        return "$" + _values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
