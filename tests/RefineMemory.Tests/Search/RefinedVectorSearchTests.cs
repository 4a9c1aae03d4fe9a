using Microsoft.Extensions.VectorData;
using RefineMemory.Connectors.InMemory;
using RefineMemory.Embed;
using RefineMemory.Judge;
using RefineMemory.Refine;
using RefineMemory.Search;
using RefineMemory.Testing.VectorData;

namespace RefineMemory.Tests.Search;

public sealed class RefinedVectorSearchTests
{
    private readonly RefinementScenario _scenario = new();

    [Fact]
    public async Task Refinement_over_the_in_memory_connector_lifts_the_relevant_cluster()
    {
        var collection = await InMemoryAsync();
        var search = Decorate(collection);

        var refined = await search.SearchAsync(RefinementScenario.Query, 10);
        var plain = await search.SearchAsync(RefinementScenario.Query, 10, new RefinedVectorSearchRequest<Passage> { Refine = false });

        Assert.True(refined.Diagnostics.Refined, refined.Diagnostics.SkippedReason);
        Assert.Null(refined.Diagnostics.ReembeddedReason);
        Assert.Equal(20, refined.Diagnostics.Judged.Count);
        Assert.Equal(Enumerable.Range(1, 20), refined.Diagnostics.Judged.Select(j => j.RankBefore));
        Assert.Equal(100, refined.Diagnostics.Loss.Count);
        Assert.True(refined.Diagnostics.Loss[^1] < refined.Diagnostics.Loss[0]);
        Assert.True(Relevant(refined) > Relevant(plain), $"relevant in top 10: refined {Relevant(refined)}, plain {Relevant(plain)}");
        Assert.Equal(Enumerable.Range(1, 10), refined.Hits.Select(h => h.Rank));
        Assert.Equal(Enumerable.Range(1, 10), plain.Hits.Select(h => h.Rank));
        Assert.Equal(plain.Hits.Select(h => h.Rank), plain.Hits.Select(h => h.RankBefore!.Value));

        // Every hit ranked before refinement within the first search carries that rank and score.
        var firstRanks = plain.Hits.ToDictionary(h => h.Record.Id, h => (h.Rank, h.Score));
        foreach (var hit in refined.Hits.Where(h => firstRanks.ContainsKey(h.Record.Id)))
        {
            Assert.Equal(firstRanks[hit.Record.Id].Rank, hit.RankBefore);
            Assert.Equal(firstRanks[hit.Record.Id].Score!.Value, hit.ScoreBefore!.Value, 6);
        }
    }

    [Fact]
    public async Task The_decorator_returns_what_the_pipeline_done_by_hand_returns()
    {
        var collection = await InMemoryAsync();
        var result = await Decorate(collection).SearchAsync(RefinementScenario.Query, 10);

        float[] query = (await _scenario.Embedder.GenerateAsync([RefinementScenario.Query]))[0].Vector.ToArray();
        var first = await collection.SearchAsync(new ReadOnlyMemory<float>(query), 20, new VectorSearchOptions<Passage> { IncludeVectors = true }).ToListAsync();
        var sample = first.Select(r => new FeedbackCandidate(r.Record.Id, r.Record.Text, r.Record.Embedding!.Value)).ToArray();
        // The query is refined at unit length, then scaled back to its own length for the second search.
        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(query);
        float[] unit = [.. query.Select(x => x / norm)];
        var outcome = await new FeedbackRefiner(_scenario.Judge, RefinementScenario.Refinement()).RefineAsync(RefinementScenario.Query, null, unit, sample);
        float[] refined = [.. outcome.QueryVector.Select(x => x * norm)];
        var byHand = await collection.SearchAsync(new ReadOnlyMemory<float>(refined), 10).ToListAsync();

        Assert.Equal(byHand.Select(r => r.Record.Id), result.Hits.Select(h => h.Record.Id));
        Assert.Equal(byHand.Select(r => r.Score!.Value), result.Hits.Select(h => h.Score!.Value));
    }

    [Fact]
    public async Task The_rounds_strategy_judges_in_rounds_from_a_deeper_first_search_and_the_diagnostics_show_each_documents_first_rank()
    {
        var collection = await InMemoryAsync();
        var judge = new RequestCountingJudge(_scenario.Judge);
        var options = Options();
        options.Refinement.FeedbackStrategy = FeedbackStrategy.Rounds;
        var search = new RefinedVectorSearch<Passage>(collection, _scenario.Embedder, judge, options);

        var result = await search.SearchAsync(RefinementScenario.Query, 10);
        var plain = await search.SearchAsync(RefinementScenario.Query, 100, new RefinedVectorSearchRequest<Passage> { Refine = false });

        var d = result.Diagnostics;
        Assert.True(d.Refined, d.SkippedReason);
        Assert.Equal([5, 5, 5, 5], judge.Sizes);
        Assert.Equal((4, 20, false), (d.FeedbackRounds, d.Judgements, d.StoppedEarly));
        Assert.Equal(20, d.Judged.Select(j => j.Id).Distinct().Count());
        Assert.Equal(20, d.Judge!.Judged + d.Judge.Failed);
        var firstRank = plain.Hits.ToDictionary(h => h.Record.Id, h => h.Rank);
        Assert.All(d.Judged, j => Assert.Equal(firstRank[j.Id], j.RankBefore));
        Assert.Equal(Enumerable.Range(1, 5), d.Judged.Take(5).Select(j => j.RankBefore));
    }

    [Fact]
    public async Task Filter_skip_and_threshold_pass_through_to_the_store()
    {
        var collection = await InMemoryAsync();
        var search = Decorate(collection);
        var all = await search.SearchAsync(RefinementScenario.Query, 12, Request(r => r.Category == 1));
        Assert.All(all.Hits, h => Assert.Equal(1, h.Record.Category));
        Assert.All(all.Diagnostics.Judged, j => Assert.Equal(1, _scenario.Passages.Single(p => p.Id == j.Id).Category));

        var skipped = await search.SearchAsync(RefinementScenario.Query, 10, Request(r => r.Category == 1, skip: 2));
        Assert.Equal(all.Hits.Skip(2).Select(h => h.Record.Id), skipped.Hits.Select(h => h.Record.Id));
        Assert.Equal(Enumerable.Range(3, 10), skipped.Hits.Select(h => h.Rank));

        double threshold = all.Hits[4].Score!.Value;
        var thresholded = await search.SearchAsync(RefinementScenario.Query, 10, Request(r => r.Category == 1, threshold: threshold));
        Assert.Equal(all.Hits.Take(5).Select(h => h.Record.Id), thresholded.Hits.Select(h => h.Record.Id));
    }

    [Fact]
    public async Task A_third_party_store_that_returns_vectors_is_refined_with_them()
    {
        var store = new ThirdPartyCollection(_scenario.Passages, refuseVectors: false);
        var result = await Decorate(store).SearchAsync(RefinementScenario.Query, 10);
        var inMemory = await Decorate(await InMemoryAsync()).SearchAsync(RefinementScenario.Query, 10);

        Assert.True(result.Diagnostics.Refined);
        Assert.Null(result.Diagnostics.ReembeddedReason);
        Assert.Equal(2, _scenario.Embedder.Embedded); // the query once per decorator, no document
        Assert.True(store.Searches[0].IncludeVectors);
        Assert.False(store.Searches[1].IncludeVectors);
        Assert.Equal(inMemory.Hits.Select(h => h.Record.Id), result.Hits.Select(h => h.Record.Id));
    }

    [Fact]
    public async Task A_third_party_store_that_refuses_vectors_is_refined_on_re_embedded_texts_and_says_so()
    {
        var store = new ThirdPartyCollection(_scenario.Passages, refuseVectors: true);
        var result = await Decorate(store).SearchAsync(RefinementScenario.Query, 10);
        var withVectors = await Decorate(new ThirdPartyCollection(_scenario.Passages, refuseVectors: false)).SearchAsync(RefinementScenario.Query, 10);

        Assert.True(result.Diagnostics.Refined);
        Assert.Contains("refused IncludeVectors", result.Diagnostics.ReembeddedReason, StringComparison.Ordinal);
        Assert.Equal(1 + 20 + 1, _scenario.Embedder.Embedded);
        Assert.Equal(withVectors.Hits.Select(h => h.Record.Id), result.Hits.Select(h => h.Record.Id));
    }

    [Fact]
    public async Task The_query_is_embedded_as_a_query_and_re_embedded_texts_as_documents()
    {
        // Asymmetric models (arctic-embed-xs) put a prefix before queries only: a query embedded as a document misses it.
        await Decorate(new ThirdPartyCollection(_scenario.Passages, refuseVectors: true)).SearchAsync(RefinementScenario.Query, 10);

        var embedded = _scenario.Embedder.Embeddings;
        Assert.Equal((RefinementScenario.Query, EmbeddingPurpose.Query), embedded[0]);
        Assert.Equal(20, embedded.Count(e => e.Text != RefinementScenario.Query));
        Assert.All(embedded, e => Assert.Equal(e.Text == RefinementScenario.Query ? EmbeddingPurpose.Query : EmbeddingPurpose.Document, e.Purpose));
    }

    [Fact]
    public async Task Fewer_than_five_judgments_leave_the_ranking_unrefined_and_say_why()
    {
        var collection = await InMemoryAsync();
        var plain = await Decorate(collection).SearchAsync(RefinementScenario.Query, 10, new RefinedVectorSearchRequest<Passage> { Refine = false });
        var labelled = plain.Hits.Take(4).Select(h => h.Record.Id).ToHashSet();
        var search = new RefinedVectorSearch<Passage>(collection, _scenario.Embedder, new GoldJudge((_, id) => labelled.Contains(id) ? 1f : null), Options());

        var result = await search.SearchAsync(RefinementScenario.Query, 10);

        Assert.False(result.Diagnostics.Refined);
        Assert.Contains("at least 5", result.Diagnostics.SkippedReason, StringComparison.Ordinal);
        Assert.Equal(16, result.Diagnostics.Judged.Count(j => j.Failure is not null));
        Assert.Equal(plain.Hits.Select(h => h.Record.Id), result.Hits.Select(h => h.Record.Id));
        Assert.Equal(result.Hits.Select(h => h.Rank), result.Hits.Select(h => h.RankBefore!.Value));
    }

    [Fact]
    public async Task As_an_IVectorSearchable_text_is_refined_and_vectors_pass_through()
    {
        var collection = await InMemoryAsync();
        var search = Decorate(collection);
        IVectorSearchable<Passage> searchable = search;

        var byText = await searchable.SearchAsync(RefinementScenario.Query, 5).ToListAsync();
        var refined = await search.SearchAsync(RefinementScenario.Query, 5);
        Assert.Equal(refined.Hits.Select(h => h.Record.Id), byText.Select(r => r.Record.Id));

        var vector = new ReadOnlyMemory<float>(_scenario.Passages[4].Embedding!.Value.ToArray());
        var byVector = await searchable.SearchAsync(vector, 5).ToListAsync();
        var inner = await collection.SearchAsync(vector, 5).ToListAsync();
        Assert.Equal(inner.Select(r => r.Record.Id), byVector.Select(r => r.Record.Id));
        Assert.Same(search, searchable.GetService(typeof(RefinedVectorSearch<Passage>)));
    }

    [Fact]
    public async Task Cancellation_stops_the_search()
    {
        var collection = await InMemoryAsync();
        using var cts = new CancellationTokenSource();
        var judge = new BlockingJudge();
        var search = new RefinedVectorSearch<Passage>(collection, _scenario.Embedder, judge, Options());
        var running = search.SearchAsync(RefinementScenario.Query, 10, cancellationToken: cts.Token);
        await judge.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task Dynamic_records_are_read_through_the_definition()
    {
        var store = new ExactInMemoryVectorStore();
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(string)),
                new VectorStoreDataProperty("Text", typeof(string)),
                new VectorStoreVectorProperty("Embedding", typeof(ReadOnlyMemory<float>?), RefinementScenario.Dimension),
            ],
        };
        var collection = store.GetDynamicCollection("dynamic", definition);
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(_scenario.Passages.Select(p => new Dictionary<string, object?> { ["Id"] = p.Id, ["Text"] = p.Text, ["Embedding"] = p.Embedding }));

        var options = new RefinedVectorSearchOptions<Dictionary<string, object?>> { Definition = definition, Refinement = RefinementScenario.Refinement() };
        var result = await new RefinedVectorSearch<Dictionary<string, object?>>(collection, _scenario.Embedder, _scenario.Judge, options).SearchAsync(RefinementScenario.Query, 10);
        var typed = await Decorate(await InMemoryAsync()).SearchAsync(RefinementScenario.Query, 10);

        Assert.True(result.Diagnostics.Refined);
        Assert.Equal(typed.Hits.Select(h => h.Record.Id), result.Hits.Select(h => (string)h.Record["Id"]!));
    }

    [Fact]
    public void Construction_fails_naming_the_properties_it_cannot_choose_between()
    {
        var store = new ThirdPartyCollection([], refuseVectors: false);
        var ambiguous = Assert.Throws<ArgumentException>(() => new RefinedVectorSearch<TwoTexts>(new ExactInMemoryCollection<string, TwoTexts>("x"), _scenario.Embedder, _scenario.Judge));
        Assert.Contains("'Title'", ambiguous.Message, StringComparison.Ordinal);
        Assert.Contains("'Body'", ambiguous.Message, StringComparison.Ordinal);

        var unknown = Assert.Throws<ArgumentException>(() => new RefinedVectorSearch<Passage>(store, _scenario.Embedder, _scenario.Judge, new() { TextPropertyName = "Body" }));
        Assert.Contains("'Body'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("'Text'", unknown.Message, StringComparison.Ordinal);

        var vector = Assert.Throws<ArgumentException>(() => new RefinedVectorSearch<Passage>(store, _scenario.Embedder, _scenario.Judge, new() { VectorPropertyName = "Other" }));
        Assert.Contains("'Embedding'", vector.Message, StringComparison.Ordinal);

        var selected = new RefinedVectorSearch<TwoTexts>(new ExactInMemoryCollection<string, TwoTexts>("x"), _scenario.Embedder, _scenario.Judge, new() { TextSelector = r => r.Title + " " + r.Body });
        Assert.NotNull(selected);
    }

    [Fact]
    public async Task With_a_query_writer_the_hypothetical_document_is_searched_and_refined_and_the_diagnostics_show_it()
    {
        var collection = await InMemoryAsync();
        var target = _scenario.Passages[^1];
        var writer = new HydeQueryWriter(new FixedAnswerChat(target.Text));
        var options = Options();
        options.QueryWriter = writer;
        var search = new RefinedVectorSearch<Passage>(collection, _scenario.Embedder, _scenario.Judge, options);

        var plain = await search.SearchAsync(RefinementScenario.Query, 5, new RefinedVectorSearchRequest<Passage> { Refine = false });
        Assert.Equal(target.Id, plain.Hits[0].Record.Id); // the hypothetical document's own embedding ranks it first
        Assert.Equal([target.Text], plain.Diagnostics.HypotheticalDocuments);

        var refined = await search.SearchAsync(RefinementScenario.Query, 5);
        Assert.Equal([target.Text], refined.Diagnostics.HypotheticalDocuments);
        Assert.Equal(20, refined.Diagnostics.Judged.Count);

        var withoutHyde = await search.SearchAsync(RefinementScenario.Query, 5, new RefinedVectorSearchRequest<Passage> { Refine = false, UseHyde = false });
        Assert.Empty(withoutHyde.Diagnostics.HypotheticalDocuments);
        Assert.NotEqual(target.Id, withoutHyde.Hits[0].Record.Id);
    }

    private sealed class FixedAnswerChat(string answer) : Microsoft.Extensions.AI.IChatClient
    {
        public Task<Microsoft.Extensions.AI.ChatResponse> GetResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new Microsoft.Extensions.AI.ChatResponse(new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.Assistant, answer)));

        public IAsyncEnumerable<Microsoft.Extensions.AI.ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private RefinedVectorSearch<Passage> Decorate(IVectorSearchable<Passage> inner) => new(inner, _scenario.Embedder, _scenario.Judge, Options());

    private static RefinedVectorSearchOptions<Passage> Options() => new() { Refinement = RefinementScenario.Refinement() };

    private static RefinedVectorSearchRequest<Passage> Request(System.Linq.Expressions.Expression<Func<Passage, bool>> filter, int skip = 0, double? threshold = null) =>
        new() { SearchOptions = new VectorSearchOptions<Passage> { Filter = filter, Skip = skip, ScoreThreshold = threshold } };

    private int Relevant(RefinedVectorSearchResult<Passage> result) => result.Hits.Count(h => _scenario.Relevant.Contains(h.Record.Id));

    private async Task<ExactInMemoryCollection<string, Passage>> InMemoryAsync()
    {
        var collection = new ExactInMemoryVectorStore().GetCollection<string, Passage>("passages");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(_scenario.Passages);
        return collection;
    }

    private sealed class TwoTexts
    {
        [VectorStoreKey]
        public string Id { get; set; } = "";

        [VectorStoreData]
        public string Title { get; set; } = "";

        [VectorStoreData]
        public string Body { get; set; } = "";

        [VectorStoreVector(RefinementScenario.Dimension)]
        public ReadOnlyMemory<float>? Embedding { get; set; }
    }

    private sealed class RequestCountingJudge(IRelevanceJudge inner) : IRelevanceJudge
    {
        public List<int> Sizes { get; } = [];

        public Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
        {
            Sizes.Add(request.Documents.Count);
            return inner.JudgeAsync(request, cancellationToken);
        }
    }

    private sealed class BlockingJudge : IRelevanceJudge
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
        {
            Started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
