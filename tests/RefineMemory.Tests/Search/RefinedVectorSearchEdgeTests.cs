using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;
using RefineMemory.Connectors.InMemory;
using RefineMemory.Search;
using RefineMemory.Testing.VectorData;

namespace RefineMemory.Tests.Search;

/// <summary>
/// The decorator over anyone's collection at its edges (issue 26, row 2): bad query vectors, extreme <c>top</c>,
/// damaged stored vectors, filters on missing properties, and inner collections that throw, hang or return few.
/// Each ends in a typed error naming what was wrong or in a documented result, never inside the optimiser.
/// </summary>
public sealed class RefinedVectorSearchEdgeTests
{
    private readonly RefinementScenario _scenario = new();

    [Theory]
    [InlineData(float.NaN, "not finite")]
    [InlineData(float.PositiveInfinity, "not finite")]
    [InlineData(0f, "all zeros")]
    public async Task A_query_vector_that_is_not_finite_or_all_zeros_is_an_argument_error_before_the_store_is_searched(float value, string expected)
    {
        var store = new ThirdPartyCollection(_scenario.Passages, refuseVectors: false);
        var vector = new float[RefinementScenario.Dimension];
        vector.AsSpan().Fill(0f);
        vector[3] = value;
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Decorate(store).SearchAsync(RefinementScenario.Query, 5, new RefinedVectorSearchRequest<Passage> { QueryVector = vector }));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal("QueryVector", ex.ParamName);
        Assert.Empty(store.Searches);
    }

    [Fact]
    public async Task An_embedder_that_returns_a_non_finite_query_vector_is_named_as_the_cause()
    {
        var store = new ThirdPartyCollection(_scenario.Passages, refuseVectors: false);
        var embedder = new FixedEmbedder([float.NaN, 1, 0, 0, 0, 0, 0, 0]);
        var search = new RefinedVectorSearch<Passage>(store, embedder, _scenario.Judge, Options());
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => search.SearchAsync(RefinementScenario.Query, 5));
        Assert.Contains("The embedding generator returned", ex.Message, StringComparison.Ordinal);
        Assert.Empty(store.Searches);
    }

    [Fact]
    public async Task A_query_vector_of_another_dimension_than_the_records_is_a_dimension_mismatch()
    {
        var store = new ThirdPartyCollection(_scenario.Passages, refuseVectors: false);
        var ex = await Assert.ThrowsAsync<DimensionMismatchException>(() => Decorate(store).SearchAsync(RefinementScenario.Query, 5, new RefinedVectorSearchRequest<Passage> { QueryVector = new float[] { 1, 0, 0 } }));
        Assert.Contains("8", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_top_below_one_is_out_of_range(int top)
    {
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Decorate(new ThirdPartyCollection(_scenario.Passages, false)).SearchAsync(RefinementScenario.Query, top));
        Assert.Equal("top", ex.ParamName);
    }

    [Fact]
    public async Task A_top_of_int_max_value_returns_every_record_refined_and_allocates_nothing_of_that_size()
    {
        var collection = await InMemoryAsync();
        var result = await Decorate(collection).SearchAsync(RefinementScenario.Query, int.MaxValue, new RefinedVectorSearchRequest<Passage> { SearchOptions = new() { Skip = 1 } });
        Assert.True(result.Diagnostics.Refined, result.Diagnostics.SkippedReason);
        Assert.Equal(_scenario.Passages.Count - 1, result.Hits.Count);
        Assert.Equal(Enumerable.Range(2, _scenario.Passages.Count - 1), result.Hits.Select(h => h.Rank));
    }

    [Theory]
    [InlineData(float.NaN, 8)]
    [InlineData(1f, 5)]
    public async Task A_stored_record_whose_vector_is_not_finite_or_of_another_dimension_is_named_as_damage(float value, int dimension)
    {
        var passages = _scenario.Passages.Select(p => p.Copy(withVector: true)).ToList();
        var damaged = passages.Single(p => p.Id == "p000");
        var vector = new float[dimension];
        vector.AsSpan().Fill(value);
        damaged.Embedding = vector;
        var store = new FixedCollection(passages); // the damaged record first, as a store that cannot score it may place it
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Decorate(store).SearchAsync(RefinementScenario.Query, 5));
        Assert.Contains("'p000'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inner_collection_that_throws_passes_its_exception_through_unchanged()
    {
        var store = new FixedCollection(_scenario.Passages) { Fault = new IOException("the store is down") };
        var ex = await Assert.ThrowsAsync<IOException>(() => Decorate(store).SearchAsync(RefinementScenario.Query, 5));
        Assert.Equal("the store is down", ex.Message);
    }

    [Fact]
    public async Task An_inner_collection_that_hangs_and_ignores_the_token_is_abandoned_at_the_callers_deadline()
    {
        var store = new HangingCollection();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Decorate(store).SearchAsync(RefinementScenario.Query, 5, cancellationToken: deadline.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_inner_collection_that_returns_fewer_than_asked_gives_those_ranked_and_refined_on_what_it_gave()
    {
        var store = new FixedCollection(_scenario.Passages.Take(7));
        var result = await Decorate(store).SearchAsync(RefinementScenario.Query, 10);
        Assert.Equal(7, result.Hits.Count);
        Assert.Equal(Enumerable.Range(1, 7), result.Hits.Select(h => h.Rank));
        Assert.True(result.Diagnostics.Refined, result.Diagnostics.SkippedReason); // 7 judged, at least the minimum of 5
        Assert.Equal(7, result.Diagnostics.Judged.Count);
    }

    [Fact]
    public async Task A_filter_on_a_property_the_records_do_not_have_is_the_stores_error_unchanged()
    {
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(string)),
                new VectorStoreDataProperty("Text", typeof(string)),
                new VectorStoreVectorProperty("Embedding", typeof(ReadOnlyMemory<float>?), RefinementScenario.Dimension),
            ],
        };
        var collection = new ExactInMemoryVectorStore().GetDynamicCollection("dyn", definition);
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(_scenario.Passages.Select(p => new Dictionary<string, object?> { ["Id"] = p.Id, ["Text"] = p.Text, ["Embedding"] = p.Embedding }));
        var search = new RefinedVectorSearch<Dictionary<string, object?>>(collection, _scenario.Embedder, _scenario.Judge, new() { Definition = definition, Refinement = RefinementScenario.Refinement() });
        var request = new RefinedVectorSearchRequest<Dictionary<string, object?>> { SearchOptions = new() { Filter = r => (string)r["Missing"]! == "x" } };
        var ex = await Record.ExceptionAsync(() => search.SearchAsync(RefinementScenario.Query, 5, request));
        Assert.NotNull(ex);
        Assert.Contains("Missing", ex!.Message, StringComparison.Ordinal);
    }

    private RefinedVectorSearch<Passage> Decorate(IVectorSearchable<Passage> inner) => new(inner, _scenario.Embedder, _scenario.Judge, Options());

    private static RefinedVectorSearchOptions<Passage> Options() => new() { Refinement = RefinementScenario.Refinement() };

    private async Task<ExactInMemoryCollection<string, Passage>> InMemoryAsync()
    {
        var collection = new ExactInMemoryVectorStore().GetCollection<string, Passage>("passages");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(_scenario.Passages);
        return collection;
    }

    /// <summary>An embedder that answers every text with one vector.</summary>
    private sealed class FixedEmbedder(float[] vector) : Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>
    {
        public Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>(values.Select(_ => new Microsoft.Extensions.AI.Embedding<float>(vector))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>A store that returns its records in the order given whatever the query (scores 1, 0.99, ...), or throws its fault.</summary>
    private sealed class FixedCollection(IEnumerable<Passage> passages) : IVectorSearchable<Passage>
    {
        private readonly List<Passage> _passages = [.. passages];

        public Exception? Fault { get; init; }

        public async IAsyncEnumerable<VectorSearchResult<Passage>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<Passage>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
            where TInput : notnull
        {
            await Task.Yield();
            if (Fault is not null)
            {
                throw Fault;
            }

            int i = 0;
            foreach (var p in _passages.Skip(options?.Skip ?? 0).Take(top))
            {
                yield return new VectorSearchResult<Passage>(p.Copy(withVector: options?.IncludeVectors == true), 1 - (0.01 * i++));
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
    }

    /// <summary>A store whose search never answers and ignores its token, as a stuck network client may.</summary>
    private sealed class HangingCollection : IVectorSearchable<Passage>
    {
        public async IAsyncEnumerable<VectorSearchResult<Passage>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<Passage>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
            where TInput : notnull
        {
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
            yield break;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
    }
}
