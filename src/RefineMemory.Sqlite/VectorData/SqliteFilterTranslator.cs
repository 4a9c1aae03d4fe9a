using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using Microsoft.Extensions.VectorData.ProviderServices;
using RefineMemory.Connectors.Filters;

namespace RefineMemory.Sqlite.VectorData;

/// <summary>
/// The SQLite store's filter translator: a parsed filter becomes a SQL condition over <c>r.key</c> and
/// <c>json_extract(r.data, ...)</c>, with every value a parameter. Comparisons use SQLite's null-safe
/// <c>IS</c> / <c>IS NOT</c>, so <c>!=</c> and <c>!</c> treat absent values as C# does.
/// </summary>
internal sealed class SqliteFilterTranslator
{
    private readonly StringBuilder _sql = new();
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
        return (translator._sql.ToString(), [.. translator._parameters]);
    }

    private void Write(FilterNode node)
    {
        switch (node)
        {
            case AndFilter and:
                Binary(and.Left, " AND ", and.Right);
                break;
            case OrFilter or:
                Binary(or.Left, " OR ", or.Right);
                break;
            case NotFilter not:
                _sql.Append("(NOT ");
                Write(not.Operand);
                _sql.Append(')');
                break;
            case ConstantFilter c:
                _sql.Append(c.Value ? "1" : "0");
                break;
            case CompareFilter c:
                _sql.Append('(').Append(Column(c.Field)).Append(c.Equal ? " IS " : " IS NOT ").Append(Parameter(c.Field, c.Value)).Append(')');
                break;
            case TagFilter t:
                _sql.Append("EXISTS (SELECT 1 FROM json_each(r.data, ").Append(SqliteRecordJson.Path(t.Field.Property))
                    .Append(") WHERE value IS ").Append(Parameter(null, t.Value)).Append(')');
                break;
            case InFilter i:
                _sql.Append('(');
                if (i.Values.Count == 0)
                {
                    _sql.Append('0');
                }

                for (int k = 0; k < i.Values.Count; k++)
                {
                    _sql.Append(k == 0 ? "" : " OR ").Append(Column(i.Field)).Append(" IS ").Append(Parameter(i.Field, i.Values[k]));
                }

                _sql.Append(')');
                break;
            case TrueFilter t:
                _sql.Append('(').Append(Column(t.Field)).Append(" IS 1)");
                break;
            default:
                throw new NotSupportedException($"Filter node {node.GetType().Name} is not supported by the SQLite store.");
        }
    }

    private void Binary(FilterNode left, string op, FilterNode right)
    {
        _sql.Append('(');
        Write(left);
        _sql.Append(op);
        Write(right);
        _sql.Append(')');
    }

    private static string Column(FilterField field) =>
        field.IsKey ? "r.key" : $"json_extract(r.data, {SqliteRecordJson.Path(field.Property)})";

    private string Parameter(FilterField? field, object? value)
    {
        string name = "$f" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
        _parameters.Add((name, field is { IsKey: true } && value is not null ? _keyText(value) : Sql(value)));
        return name;
    }

    private static object? Sql(object? value) => value switch
    {
        null => null,
        bool b => b ? 1L : 0L,
        string or long or int or short or byte or double or float => value,
        decimal d => (double)d,
        Guid g => g.ToString("D"),
        _ => throw new NotSupportedException($"Filter value '{value}' of type '{value.GetType().Name}' is not supported by the SQLite store; use strings, numbers, booleans or Guids."),
    };
}
