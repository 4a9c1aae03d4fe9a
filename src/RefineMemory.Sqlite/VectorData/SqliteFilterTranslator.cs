using System.Globalization;
using System.Linq.Expressions;
using Microsoft.Extensions.VectorData.ProviderServices;
using RefineMemory.Connectors.Filters;

namespace RefineMemory.Sqlite.VectorData;

/// <summary>
/// The SQLite store's filter translator: a parsed filter becomes a SQL condition over <c>r.key</c> and
/// <c>json_extract(r.data, ...)</c>, with every value a parameter. Comparisons use SQLite's null-safe
/// <c>IS</c> / <c>IS NOT</c>, so <c>!=</c> and <c>!</c> treat absent values as C# does.
/// </summary>
internal sealed class SqliteFilterTranslator : SqlFilterWriter
{
    private readonly List<(string Name, object? Value)> _parameters = [];
    private readonly Func<object, string> _keyText;

    private SqliteFilterTranslator(Func<object, string> keyText) => _keyText = keyText;

    public static (string Sql, (string Name, object? Value)[] Parameters) Translate(LambdaExpression? filter, CollectionModel model, Func<object, string> keyText)
    {
        if (filter is null)
        {
            return ("1", []);
        }

        var translator = new SqliteFilterTranslator(keyText);
        translator.Write(FilterParser.Parse(filter, model, "the SQLite store"));
        return (translator.Sql.ToString(), [.. translator._parameters]);
    }

    protected override void WriteCondition(FilterNode node)
    {
        switch (node)
        {
            case NotFilter not:
                Sql.Append("(NOT ");
                Write(not.Operand);
                Sql.Append(')');
                break;
            case ConstantFilter c:
                Sql.Append(c.Value ? "1" : "0");
                break;
            case CompareFilter c:
                Sql.Append('(').Append(Column(c.Field)).Append(c.Equal ? " IS " : " IS NOT ").Append(Parameter(c.Field, c.Value)).Append(')');
                break;
            case TagFilter t:
                Sql.Append("EXISTS (SELECT 1 FROM json_each(r.data, ").Append(SqliteRecordJson.Path(t.Field.Property))
                    .Append(") WHERE value IS ").Append(Parameter(null, t.Value)).Append(')');
                break;
            case InFilter i:
                Sql.Append('(');
                if (i.Values.Count == 0)
                {
                    Sql.Append('0');
                }

                for (int k = 0; k < i.Values.Count; k++)
                {
                    Sql.Append(k == 0 ? "" : " OR ").Append(Column(i.Field)).Append(" IS ").Append(Parameter(i.Field, i.Values[k]));
                }

                Sql.Append(')');
                break;
            case TrueFilter t:
                Sql.Append('(').Append(Column(t.Field)).Append(" IS 1)");
                break;
            default:
                throw new NotSupportedException($"Filter node {node.GetType().Name} is not supported by the SQLite store.");
        }
    }

    private static string Column(FilterField field) =>
        field.IsKey ? "r.key" : $"json_extract(r.data, {SqliteRecordJson.Path(field.Property)})";

    private string Parameter(FilterField? field, object? value)
    {
        string name = "$f" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
        _parameters.Add((name, field is { IsKey: true } && value is not null ? _keyText(value) : SqlValue(value)));
        return name;
    }

    private static object? SqlValue(object? value) => value switch
    {
        null => null,
        bool b => b ? 1L : 0L,
        string or long or int or short or byte or double or float => value,
        decimal d => (double)d,
        Guid g => g.ToString("D"),
        _ => throw new NotSupportedException($"Filter value '{value}' of type '{value.GetType().Name}' is not supported by the SQLite store; use strings, numbers, booleans or Guids."),
    };
}
