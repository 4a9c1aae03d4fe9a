using System.Text;

namespace RefineMemory.Connectors.Filters;

/// <summary>
/// Renders a parsed filter as a SQL condition: the connectives here, once, and each store's dialect for the rest
/// (negation, constants, comparisons, tags, lists, boolean fields) in its translator.
/// </summary>
internal abstract class SqlFilterWriter
{
    protected StringBuilder Sql { get; } = new();

    protected void Write(FilterNode node)
    {
        switch (node)
        {
            case AndFilter and:
                Binary(and.Left, " AND ", and.Right);
                break;
            case OrFilter or:
                Binary(or.Left, " OR ", or.Right);
                break;
            default:
                WriteCondition(node);
                break;
        }
    }

    /// <summary>Writes any node but AND and OR, calling <see cref="Write"/> for the operands it holds.</summary>
    protected abstract void WriteCondition(FilterNode node);

    private void Binary(FilterNode left, string op, FilterNode right)
    {
        Sql.Append('(');
        Write(left);
        Sql.Append(op);
        Write(right);
        Sql.Append(')');
    }
}
