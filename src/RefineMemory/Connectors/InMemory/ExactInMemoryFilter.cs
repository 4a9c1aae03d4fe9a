using System.Linq.Expressions;
using Microsoft.Extensions.VectorData.ProviderServices;
using RefineMemory.Connectors.Filters;

namespace RefineMemory.Connectors.InMemory;

/// <summary>The in-memory store's filter translator: a parsed filter becomes a predicate over stored records.</summary>
internal static class ExactInMemoryFilter
{
    public static Func<StoredRecord, bool>? Compile(LambdaExpression? filter, CollectionModel model, Func<object, string> keyText) =>
        filter is null ? null : Compile(FilterParser.Parse(filter, model, "the exact in-memory store"), keyText);

    private static Func<StoredRecord, bool> Compile(FilterNode node, Func<object, string> keyText)
    {
        switch (node)
        {
            case AndFilter and:
            {
                var (l, r) = (Compile(and.Left, keyText), Compile(and.Right, keyText));
                return s => l(s) && r(s);
            }

            case OrFilter or:
            {
                var (l, r) = (Compile(or.Left, keyText), Compile(or.Right, keyText));
                return s => l(s) || r(s);
            }

            case NotFilter not:
            {
                var operand = Compile(not.Operand, keyText);
                return s => !operand(s);
            }

            case ConstantFilter c:
                return _ => c.Value;
            case CompareFilter { Field.IsKey: true } c:
            {
                string? key = c.Value is null ? null : keyText(c.Value);
                return s => string.Equals(s.Key, key, StringComparison.Ordinal) == c.Equal;
            }

            case CompareFilter c:
                return s => FilterValues.Same(s.Data[c.Field.DataIndex], c.Value) == c.Equal;
            case TagFilter t:
                return s => FilterValues.ListHolds(s.Data[t.Field.DataIndex], t.Value);
            case InFilter { Field.IsKey: true } i:
            {
                var keys = i.Values.Where(v => v is not null).Select(v => keyText(v!)).ToHashSet(StringComparer.Ordinal);
                return s => keys.Contains(s.Key);
            }

            case InFilter i:
                return s => i.Values.Any(v => FilterValues.Same(s.Data[i.Field.DataIndex], v));
            case TrueFilter t:
                return s => s.Data[t.Field.DataIndex] is true;
            default:
                throw new NotSupportedException($"Filter node {node.GetType().Name} is not supported by the exact in-memory store.");
        }
    }
}
