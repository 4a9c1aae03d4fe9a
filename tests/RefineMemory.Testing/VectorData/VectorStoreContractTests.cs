using System.Linq.Expressions;
using Microsoft.Extensions.VectorData;
using Xunit;

namespace RefineMemory.Testing.VectorData;

/// <summary>
/// The VectorData contract every RefineMemory connector passes: derive once per connector and key type,
/// and supply the store. Covers collections (create, exists, list, delete), records (attribute, definition
/// and dynamic; get, upsert, delete, single and batch), exact search with cosine, dot product and Euclidean,
/// Skip, Top, ScoreThreshold, IncludeVectors, the filter operators, and bad input.
/// </summary>
public abstract class VectorStoreContractTests<TKey> : IAsyncLifetime
    where TKey : notnull
{
    private VectorStore? _store;

    /// <summary>The store under test (one per test).</summary>
    protected VectorStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Creates the store for one test.</summary>
    protected abstract Task<VectorStore> CreateStoreAsync();

    /// <summary>Key number <paramref name="i"/> (distinct per i).</summary>
    protected abstract TKey Key(int i);

    /// <summary>The key as a dynamic record holds it.</summary>
    protected virtual object DynamicKey(int i) => Key(i);

    /// <summary>A collection name no other test uses (lower-case letters and digits, for every store's rules).</summary>
    protected static string NewName() => "c" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual Task DisposeAsync()
    {
        _store?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Collections_are_created_listed_and_deleted()
    {
        string name = NewName();
        var collection = Store.GetCollection<TKey, ContractRecord<TKey>>(name);
        Assert.False(await collection.CollectionExistsAsync());
        Assert.False(await Store.CollectionExistsAsync(name));

        await collection.EnsureCollectionExistsAsync();
        await collection.EnsureCollectionExistsAsync();
        Assert.True(await collection.CollectionExistsAsync());
        Assert.True(await Store.CollectionExistsAsync(name));
        Assert.Contains(name, await Store.ListCollectionNamesAsync().ToListAsync());

        await collection.EnsureCollectionDeletedAsync();
        Assert.False(await collection.CollectionExistsAsync());
        Assert.DoesNotContain(name, await Store.ListCollectionNamesAsync().ToListAsync());

        await collection.EnsureCollectionExistsAsync();
        await Store.EnsureCollectionDeletedAsync(name);
        Assert.False(await Store.CollectionExistsAsync(name));
        await Store.EnsureCollectionDeletedAsync(name);
    }

    [Fact]
    public async Task A_record_round_trips_with_and_without_its_vector()
    {
        var collection = await FilledAsync();
        var record = await collection.GetAsync(Key(0), new RecordRetrievalOptions { IncludeVectors = true });
        Assert.NotNull(record);
        Assert.Equal(Key(0), record.Key);
        Assert.Equal("alpha", record.Text);
        Assert.Equal("a", record.Category);
        Assert.Equal(["x", "y"], record.Tags);
        Assert.Equal(1, record.Rank);
        Assert.True(record.Active);
        Assert.Equal(ContractData.Rows[0].Vector, record.Embedding!.Value.ToArray());

        var withoutVector = await collection.GetAsync(Key(0));
        Assert.NotNull(withoutVector);
        Assert.Equal("alpha", withoutVector.Text);
        Assert.True(withoutVector.Embedding is null || withoutVector.Embedding.Value.IsEmpty);

        Assert.Null(await collection.GetAsync(Key(99)));
    }

    [Fact]
    public async Task Batches_are_upserted_read_and_deleted()
    {
        var collection = await FilledAsync();
        var some = await collection.GetAsync([Key(1), Key(3), Key(99)]).ToListAsync();
        Assert.Equal(["beta", "delta"], some.Select(r => r.Text).Order());

        await collection.DeleteAsync([Key(1), Key(3)]);
        await collection.DeleteAsync(Key(5));
        await collection.DeleteAsync(Key(99));
        var left = await collection.GetAsync(Enumerable.Range(0, 6).Select(Key)).ToListAsync();
        Assert.Equal(["alpha", "epsilon", "gamma"], left.Select(r => r.Text).Order());

        var hits = await collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 10).ToListAsync();
        Assert.Equal(3, hits.Count);
    }

    [Fact]
    public async Task Upsert_replaces_the_record_with_the_same_key()
    {
        var collection = await FilledAsync();
        var changed = ContractData.Record(0, Key(0));
        changed.Text = "changed";
        changed.Embedding = new float[] { 0f, 0f, 0f, 1f };
        await collection.UpsertAsync(changed);

        Assert.Equal("changed", (await collection.GetAsync(Key(0)))!.Text);
        var best = await collection.SearchAsync(new ReadOnlyMemory<float>([0f, 0f, 0f, 1f]), 1).SingleAsync();
        Assert.Equal("changed", best.Record.Text);
        Assert.Equal(6, (await collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 10).ToListAsync()).Count);
    }

    [Theory]
    [InlineData(DistanceFunction.CosineSimilarity)]
    [InlineData(DistanceFunction.CosineDistance)]
    [InlineData(DistanceFunction.DotProductSimilarity)]
    [InlineData(DistanceFunction.EuclideanDistance)]
    public async Task Search_ranks_exactly_with_the_declared_distance_function(string function)
    {
        var collection = Store.GetCollection<TKey, PlainRecord<TKey>>(NewName(), ContractData.Definition(typeof(TKey), function));
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Enumerable.Range(0, 6).Select(i => ContractData.Plain(i, Key(i))));

        var hits = await collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 6).ToListAsync();
        Assert.Equal(ContractData.Ranking(function), hits.Select(h => h.Record.Rank - 1));
        foreach (var hit in hits)
        {
            Assert.Equal(ContractData.Score(function, hit.Record.Rank - 1), hit.Score!.Value, 5);
        }
    }

    [Fact]
    public async Task Search_pages_with_skip_and_top()
    {
        var collection = await FilledAsync();
        var order = ContractData.Ranking(DistanceFunction.CosineSimilarity);
        var page = await collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 2, new VectorSearchOptions<ContractRecord<TKey>> { Skip = 2 }).ToListAsync();
        Assert.Equal(order.Skip(2).Take(2), page.Select(h => h.Record.Rank - 1));

        var tail = await collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 10, new VectorSearchOptions<ContractRecord<TKey>> { Skip = 5 }).ToListAsync();
        Assert.Equal(order.Skip(5), tail.Select(h => h.Record.Rank - 1));
    }

    [Theory]
    [InlineData(DistanceFunction.CosineSimilarity, 0.5)]
    [InlineData(DistanceFunction.EuclideanDistance, 1.5)]
    public async Task ScoreThreshold_keeps_only_results_at_least_as_close(string function, double threshold)
    {
        var collection = Store.GetCollection<TKey, PlainRecord<TKey>>(NewName(), ContractData.Definition(typeof(TKey), function));
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Enumerable.Range(0, 6).Select(i => ContractData.Plain(i, Key(i))));
        bool higher = function == DistanceFunction.CosineSimilarity;
        var expected = ContractData.Ranking(function, i => higher ? ContractData.Score(function, i) >= threshold : ContractData.Score(function, i) <= threshold);
        Assert.InRange(expected.Length, 1, 5);

        var hits = await collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 6, new VectorSearchOptions<PlainRecord<TKey>> { ScoreThreshold = threshold }).ToListAsync();
        Assert.Equal(expected, hits.Select(h => h.Record.Rank - 1));
    }

    [Fact]
    public async Task IncludeVectors_decides_whether_search_results_carry_vectors()
    {
        var collection = await FilledAsync();
        var with = await collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 6, new VectorSearchOptions<ContractRecord<TKey>> { IncludeVectors = true }).ToListAsync();
        Assert.All(with, h => Assert.Equal(ContractData.Rows[h.Record.Rank - 1].Vector, h.Record.Embedding!.Value.ToArray()));

        var without = await collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 6).ToListAsync();
        Assert.All(without, h => Assert.True(h.Record.Embedding is null || h.Record.Embedding.Value.IsEmpty));
    }

    public static TheoryData<string> Filters => [.. FilterCases.Keys];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Search_and_get_apply_the_filter(string name)
    {
        var (filter, rows) = FilterCases[name];
        var collection = await FilledAsync();
        var expected = ContractData.Ranking(DistanceFunction.CosineSimilarity, rows);

        var hits = await collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 6, new VectorSearchOptions<ContractRecord<TKey>> { Filter = filter }).ToListAsync();
        Assert.Equal(expected, hits.Select(h => h.Record.Rank - 1));

        var got = await collection.GetAsync(filter, 10).ToListAsync();
        Assert.Equal(expected.Order(), got.Select(r => r.Rank - 1).Order());
    }

    [Fact]
    public async Task A_filter_with_skip_pages_the_filtered_ranking()
    {
        var collection = await FilledAsync();
        var expected = ContractData.Ranking(DistanceFunction.CosineSimilarity, i => ContractData.Rows[i].Category == "a");
        var hits = await collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 5, new VectorSearchOptions<ContractRecord<TKey>> { Filter = r => r.Category == "a", Skip = 1 }).ToListAsync();
        Assert.Equal(expected.Skip(1), hits.Select(h => h.Record.Rank - 1));
    }

    [Fact]
    public async Task An_unsupported_filter_is_refused_naming_the_expression()
    {
        var collection = await FilledAsync();
        var search = await Assert.ThrowsAsync<NotSupportedException>(() =>
            collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 3, new VectorSearchOptions<ContractRecord<TKey>> { Filter = r => r.Text.StartsWith("al") }).ToListAsync().AsTask());
        Assert.Contains("StartsWith", search.Message, StringComparison.Ordinal);

        var get = await Assert.ThrowsAsync<NotSupportedException>(() => collection.GetAsync(r => r.Rank > 2, 3).ToListAsync().AsTask());
        Assert.Contains("r.Rank > 2", get.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vector_of_the_wrong_dimension_is_refused_and_loses_nothing()
    {
        var collection = await FilledAsync();
        var bad = ContractData.Record(1, Key(1));
        bad.Text = "must not be stored";
        bad.Embedding = new float[] { 1f, 2f, 3f };
        var upsert = await Assert.ThrowsAnyAsync<ArgumentException>(() => collection.UpsertAsync([ContractData.Record(0, Key(0)), bad]));
        Assert.Contains("dimension", upsert.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("beta", (await collection.GetAsync(Key(1)))!.Text);

        var search = await Assert.ThrowsAnyAsync<ArgumentException>(() => collection.SearchAsync(new ReadOnlyMemory<float>([1f, 0f]), 3).ToListAsync().AsTask());
        Assert.Contains("dimension", search.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_collection_that_does_not_exist_is_a_VectorStoreException_naming_it()
    {
        string name = NewName();
        var collection = Store.GetCollection<TKey, ContractRecord<TKey>>(name);
        var upsert = await Assert.ThrowsAnyAsync<VectorStoreException>(() => collection.UpsertAsync(ContractData.Record(0, Key(0))));
        Assert.Contains(name, upsert.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<VectorStoreException>(() => collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 3).ToListAsync().AsTask());
        await Assert.ThrowsAnyAsync<VectorStoreException>(() => collection.GetAsync(Key(0)));
        Assert.False(await collection.CollectionExistsAsync());
    }

    [Fact]
    public async Task Dynamic_collections_store_search_and_filter_dictionaries()
    {
        string name = NewName();
        var collection = Store.GetDynamicCollection(name, ContractData.Definition(typeof(TKey), DistanceFunction.CosineSimilarity));
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Enumerable.Range(0, 6).Select(i => ContractData.Dynamic(i, DynamicKey(i))));

        var record = await collection.GetAsync(DynamicKey(3), new RecordRetrievalOptions { IncludeVectors = true });
        Assert.NotNull(record);
        Assert.Equal("delta", record["Text"]);
        Assert.Equal(4, Convert.ToInt32(record["Rank"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ContractData.Rows[3].Vector, ((ReadOnlyMemory<float>)record["Embedding"]!).ToArray());

        var hits = await collection.SearchAsync(new ReadOnlyMemory<float>(ContractData.Query), 6, new VectorSearchOptions<Dictionary<string, object?>>
        {
            Filter = r => (string)r["Category"]! == "a" || (bool)r["Active"]! == false,
        }).ToListAsync();
        var expected = ContractData.Ranking(DistanceFunction.CosineSimilarity, i => ContractData.Rows[i].Category == "a" || !ContractData.Rows[i].Active);
        Assert.Equal(expected.Select(i => ContractData.Rows[i].Text), hits.Select(h => (string)h.Record["Text"]!));

        // A dynamic view and a typed view of the same collection see the same records.
        var typed = Store.GetCollection<TKey, PlainRecord<TKey>>(name, ContractData.Definition(typeof(TKey), DistanceFunction.CosineSimilarity));
        Assert.Equal("zeta", (await typed.GetAsync(Key(5)))!.Text);
    }

    /// <summary>Creates a collection of the attribute-based record and stores the six rows.</summary>
    protected async Task<VectorStoreCollection<TKey, ContractRecord<TKey>>> FilledAsync()
    {
        var collection = Store.GetCollection<TKey, ContractRecord<TKey>>(NewName());
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Enumerable.Range(0, 6).Select(i => ContractData.Record(i, Key(i))));
        return collection;
    }

    private static readonly string Captured = "b";

    private static readonly Dictionary<string, (Expression<Func<ContractRecord<TKey>, bool>> Filter, Func<int, bool> Rows)> FilterCases = new()
    {
        ["equal"] = (r => r.Category == "a", i => ContractData.Rows[i].Category == "a"),
        ["not equal"] = (r => r.Category != "a", i => ContractData.Rows[i].Category != "a"),
        ["captured variable"] = (r => r.Category == Captured, i => ContractData.Rows[i].Category == "b"),
        ["int equal"] = (r => r.Rank == 3, i => i == 2),
        ["and"] = (r => r.Category == "a" && r.Active == true, i => ContractData.Rows[i].Category == "a" && ContractData.Rows[i].Active),
        ["or"] = (r => r.Category == "c" || r.Rank == 1, i => ContractData.Rows[i].Category == "c" || i == 0),
        ["not"] = (r => !(r.Category == "a"), i => ContractData.Rows[i].Category != "a"),
        ["bool property"] = (r => r.Active, i => ContractData.Rows[i].Active),
        ["not bool property"] = (r => !r.Active, i => !ContractData.Rows[i].Active),
        ["tag contains"] = (r => r.Tags.Contains("x"), i => ContractData.Rows[i].Tags.Contains("x")),
        ["tag contains and not"] = (r => r.Tags.Contains("x") && !r.Tags.Contains("z"), i => ContractData.Rows[i].Tags.Contains("x") && !ContractData.Rows[i].Tags.Contains("z")),
        ["in constant list"] = (r => new[] { "a", "c" }.Contains(r.Category), i => ContractData.Rows[i].Category is "a" or "c"),
        ["matches nothing"] = (r => r.Category == "none", _ => false),
    };
}
