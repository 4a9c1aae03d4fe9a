using Microsoft.Extensions.VectorData;

namespace RefineMemory.Testing.VectorData;

/// <summary>The contract suite's six records, its query, and reference scores computed here in double precision.</summary>
public static class ContractData
{
    public const int Dimension = 4;

    public static readonly float[] Query = [1f, 0.2f, 0f, 0f];

    /// <summary>Index i: text, category, tags, rank (= i + 1), active, vector.</summary>
    public static readonly (string Text, string Category, string[] Tags, bool Active, float[] Vector)[] Rows =
    [
        ("alpha", "a", ["x", "y"], true, [1f, 0f, 0f, 0f]),
        ("beta", "b", ["y"], false, [2f, 1f, 0f, 0f]),
        ("gamma", "a", [], true, [0f, 1.5f, 0f, 0f]),
        ("delta", "b", ["x"], true, [3f, 0f, 1f, 0f]),
        ("epsilon", "c", ["z"], false, [0f, 0f, 1f, 1f]),
        ("zeta", "a", ["x", "z"], true, [0.5f, 0.5f, 0.5f, 0.5f]),
    ];

    public static ContractRecord<TKey> Record<TKey>(int i, TKey key) => new()
    {
        Key = key,
        Text = Rows[i].Text,
        Category = Rows[i].Category,
        Tags = [.. Rows[i].Tags],
        Rank = i + 1,
        Active = Rows[i].Active,
        Embedding = Rows[i].Vector.ToArray(),
    };

    public static PlainRecord<TKey> Plain<TKey>(int i, TKey key) => new()
    {
        Key = key,
        Text = Rows[i].Text,
        Category = Rows[i].Category,
        Tags = [.. Rows[i].Tags],
        Rank = i + 1,
        Active = Rows[i].Active,
        Embedding = Rows[i].Vector.ToArray(),
    };

    public static Dictionary<string, object?> Dynamic(int i, object key) => new()
    {
        ["Key"] = key,
        ["Text"] = Rows[i].Text,
        ["Category"] = Rows[i].Category,
        ["Tags"] = Rows[i].Tags.ToList(),
        ["Rank"] = i + 1,
        ["Active"] = Rows[i].Active,
        ["Embedding"] = new ReadOnlyMemory<float>(Rows[i].Vector.ToArray()),
    };

    /// <summary>The record definition of <see cref="PlainRecord{TKey}"/> and of dynamic records, with the given distance function.</summary>
    public static VectorStoreCollectionDefinition Definition(Type keyType, string distanceFunction) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Key", keyType),
            new VectorStoreDataProperty("Text", typeof(string)),
            new VectorStoreDataProperty("Category", typeof(string)) { IsIndexed = true },
            new VectorStoreDataProperty("Tags", typeof(List<string>)) { IsIndexed = true },
            new VectorStoreDataProperty("Rank", typeof(int)) { IsIndexed = true },
            new VectorStoreDataProperty("Active", typeof(bool)) { IsIndexed = true },
            new VectorStoreVectorProperty("Embedding", typeof(ReadOnlyMemory<float>?), Dimension) { DistanceFunction = distanceFunction },
        ],
    };

    /// <summary>The reference score of row <paramref name="i"/> for <see cref="Query"/> (or <paramref name="query"/>).</summary>
    public static double Score(string function, int i, float[]? query = null)
    {
        var q = query ?? Query;
        var v = Rows[i].Vector;
        double dot = 0, qq = 0, vv = 0, d2 = 0;
        for (int k = 0; k < q.Length; k++)
        {
            dot += (double)q[k] * v[k];
            qq += (double)q[k] * q[k];
            vv += (double)v[k] * v[k];
            d2 += ((double)q[k] - v[k]) * ((double)q[k] - v[k]);
        }

        return function switch
        {
            DistanceFunction.CosineSimilarity => dot / Math.Sqrt(qq * vv),
            DistanceFunction.CosineDistance => 1 - (dot / Math.Sqrt(qq * vv)),
            DistanceFunction.DotProductSimilarity => dot,
            DistanceFunction.EuclideanDistance => Math.Sqrt(d2),
            DistanceFunction.EuclideanSquaredDistance => d2,
            _ => throw new ArgumentOutOfRangeException(nameof(function), function, null),
        };
    }

    /// <summary>Row indexes best first for <paramref name="function"/>, among rows that pass <paramref name="where"/>.</summary>
    public static int[] Ranking(string function, Func<int, bool>? where = null)
    {
        bool higher = function is DistanceFunction.CosineSimilarity or DistanceFunction.DotProductSimilarity;
        var rows = Enumerable.Range(0, Rows.Length).Where(i => where?.Invoke(i) ?? true);
        return (higher ? rows.OrderByDescending(i => Score(function, i)) : rows.OrderBy(i => Score(function, i))).ToArray();
    }
}
