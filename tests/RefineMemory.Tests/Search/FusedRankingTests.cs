using RefineMemory.Connectors.InMemory;
using RefineMemory.Judge;
using RefineMemory.Search;
using RefineMemory.Testing.VectorData;

namespace RefineMemory.Tests.Search;

/// <summary><see cref="Refine.RefinementOptions.Fusion"/>: the judge's verdicts stand in the final ranking, the refined query orders the rest.</summary>
public sealed class FusedRankingTests
{
    private readonly RefinementScenario _scenario = new();

    [Fact]
    public async Task Documents_judged_relevant_come_first_then_the_refined_order_of_the_unjudged_then_those_judged_not_relevant()
    {
        // A judge that is wrong about one document far from the relevant cluster: its verdict must still stand.
        var collection = await InMemoryAsync();
        string wronglyRelevant = await JudgedIrrelevantAsync(collection);
        var judge = new GoldJudge((_, id) => _scenario.Relevant.Contains(id) || id == wronglyRelevant ? 1f : 0f);
        var fused = await SearchAsync(collection, judge, fusion: true, top: 60);
        var refined = await SearchAsync(collection, judge, fusion: false, top: 60);

        Assert.True(fused.Diagnostics.Refined);
        var verdicts = fused.Diagnostics.Judged.Where(j => j.Score is not null).ToDictionary(j => j.Id, j => j.Score!.Value);
        var order = fused.Hits.Select(h => h.Record.Id).ToArray();
        int relevantJudged = verdicts.Count(v => v.Value >= 0.5f);
        Assert.True(relevantJudged >= 5);
        Assert.All(order.Take(relevantJudged), id => Assert.True(verdicts.TryGetValue(id, out float s) && s >= 0.5f, id));
        Assert.Contains(wronglyRelevant, order.Take(relevantJudged));
        Assert.All(order.TakeLast(verdicts.Count - relevantJudged), id => Assert.True(verdicts[id] < 0.5f, id));
        var unjudged = order.Where(id => !verdicts.ContainsKey(id)).ToArray();
        Assert.Equal(refined.Hits.Select(h => h.Record.Id).Where(id => !verdicts.ContainsKey(id)), unjudged);
        Assert.Equal(Enumerable.Range(1, order.Length), fused.Hits.Select(h => h.Rank));
        Assert.Equal(60, order.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_judged_document_the_refined_search_leaves_out_keeps_its_place_by_its_verdict_and_pages_are_slices_of_one_ranking()
    {
        var collection = await InMemoryAsync();
        string wronglyRelevant = await JudgedIrrelevantAsync(collection);
        var judge = new GoldJudge((_, id) => _scenario.Relevant.Contains(id) || id == wronglyRelevant ? 1f : 0f);

        // The refined search (5 + 20 judged deep) does not return it: the fused ranking places it by its verdict alone.
        var refined = await SearchAsync(collection, judge, fusion: false, top: 60);
        Assert.True(refined.Hits.Single(h => h.Record.Id == wronglyRelevant).Rank > 25, $"rank {refined.Hits.Single(h => h.Record.Id == wronglyRelevant).Rank}");
        var top5 = await SearchAsync(collection, judge, fusion: true, top: 5);
        var top12 = await SearchAsync(collection, judge, fusion: true, top: 12);
        var page = await SearchAsync(collection, judge, fusion: true, top: 5, skip: 7);

        Assert.Equal(top12.Hits.Take(5).Select(h => h.Record.Id), top5.Hits.Select(h => h.Record.Id));
        Assert.Equal(top12.Hits.Skip(7).Select(h => (h.Record.Id, h.Rank)), page.Hits.Select(h => (h.Record.Id, h.Rank)));
        var wrong = top12.Hits.Single(h => h.Record.Id == wronglyRelevant);
        Assert.NotNull(wrong.RankBefore);
        Assert.NotNull(wrong.Score);
    }

    private async Task<RefinedVectorSearchResult<Passage>> SearchAsync(ExactInMemoryCollection<string, Passage> collection, IRelevanceJudge judge, bool fusion, int top, int skip = 0)
    {
        var refinement = RefinementScenario.Refinement();
        refinement.Fusion = fusion;
        var search = new RefinedVectorSearch<Passage>(collection, _scenario.Embedder, judge, new() { Refinement = refinement });
        return await search.SearchAsync(RefinementScenario.Query, top, new RefinedVectorSearchRequest<Passage> { SearchOptions = new() { Skip = skip } });
    }

    /// <summary>The lowest-ranked document of the feedback sample (the plain top 20) that is not relevant: the one a wrong judge calls relevant.</summary>
    private async Task<string> JudgedIrrelevantAsync(ExactInMemoryCollection<string, Passage> collection)
    {
        var plain = await new RefinedVectorSearch<Passage>(collection, _scenario.Embedder, _scenario.Judge)
            .SearchAsync(RefinementScenario.Query, 20, new RefinedVectorSearchRequest<Passage> { Refine = false });
        return plain.Hits.Last(h => !_scenario.Relevant.Contains(h.Record.Id)).Record.Id;
    }

    private async Task<ExactInMemoryCollection<string, Passage>> InMemoryAsync()
    {
        var collection = new ExactInMemoryVectorStore().GetCollection<string, Passage>("fused-passages");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(_scenario.Passages);
        return collection;
    }
}
