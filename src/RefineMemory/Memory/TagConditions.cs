using System.Linq.Expressions;
using System.Reflection;

namespace RefineMemory.Memory;

/// <summary>
/// The memory's filter language read back as tags: <see cref="MemoryRecord.HasTag"/> calls with constant (or
/// captured) strings joined by <c>&amp;&amp;</c>, what <see cref="MemoryRecord.TagFilter"/> writes. Every memory
/// collection reads a filter through here: PostgreSQL turns the tags into <c>metadata @&gt; jsonb</c>, the in-process
/// scan tests them on each chunk directly.
/// </summary>
internal sealed class TagConditions
{
    private static readonly MethodInfo HasTag = typeof(MemoryRecord).GetMethod(nameof(MemoryRecord.HasTag))!;

    private TagConditions(Dictionary<string, string> tags, bool matchesNothing) => (Tags, MatchesNothing) = (tags, matchesNothing);

    /// <summary>The tags every passing chunk holds.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary>Whether the filter asks one key for two values, which no chunk holds.</summary>
    public bool MatchesNothing { get; }

    /// <summary>Whether <paramref name="record"/> passes.</summary>
    public bool Pass(MemoryRecord record)
    {
        if (MatchesNothing)
        {
            return false;
        }

        foreach (var (key, value) in Tags)
        {
            if (!record.HasTag(key, value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads <paramref name="filter"/> as tags; <c>false</c> with <paramref name="unsupported"/> saying why when it is not of that form.</summary>
    public static bool TryRead(Expression<Func<MemoryRecord, bool>> filter, out TagConditions conditions, out string? unsupported)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        bool contradiction = false;
        unsupported = Collect(filter.Body);
        conditions = new TagConditions(tags, contradiction);
        return unsupported is null;

        string? Collect(Expression node)
        {
            switch (node)
            {
                case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                    return Collect(and.Left) ?? Collect(and.Right);
                case MethodCallExpression call when call.Method == HasTag && call.Object == filter.Parameters[0]:
                    if (Value(call.Arguments[0]) is not { } key || Value(call.Arguments[1]) is not { } value)
                    {
                        return $"an argument of {call} is not a constant string";
                    }

                    contradiction |= tags.TryGetValue(key, out string? other) && other != value;
                    tags[key] = value;
                    return null;
                default:
                    return $"'{node}' ({node.NodeType}) is not supported";
            }
        }
    }

    private static string? Value(Expression argument) => argument switch
    {
        ConstantExpression { Value: string s } => s,
        MemberExpression { Expression: ConstantExpression closure, Member: FieldInfo field } when field.GetValue(closure.Value) is string s => s, // a captured local
        _ => null,
    };
}
