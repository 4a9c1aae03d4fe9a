using RefineMemory.Judge;
using RefineMemory.Embed;
using RefineMemory.Memory;
using RefineMemory.Refine;
using RefineMemory.Search;

namespace RefineMemory.Sqlite.Tests;

public sealed class RefinedSearchTests : IClassFixture<ClincFixture>
{
    private readonly ClincFixture _clinc;

    public RefinedSearchTests(ClincFixture clinc) => _clinc = clinc;

    private string Description(string intent) => _clinc.Data.Descriptions[intent];

    [Fact]
    public async Task A_reopened_store_is_searched_with_refinement_and_reports_ranks_and_diagnostics()
    {
        using var store = _clinc.Reopen();
        var search = new RefinedSearch(store, _clinc.Embedder, _clinc.Data.GoldJudge());
        string intent = await MixedIntentAsync(search);
        var result = await search.SearchAsync("clinc", Description(intent), 15);
        var d = result.Diagnostics;

        Assert.True(d.Refined, d.SkippedReason);
        Assert.Null(d.SkippedReason);
        Assert.Equal(Samples.Clinc150.Instruction, result.Instruction);
        Assert.Equal(1000, d.Candidates);
        Assert.Equal(20, d.Judged.Count);
        Assert.All(d.Judged, j => Assert.True(j.Score is 0f or 1f));
        Assert.Equal(Enumerable.Range(1, 20), d.Judged.Select(j => j.RankBefore));
        Assert.InRange(d.Loss.Count, 2, RefinementOptions.ValidatedSteps); // the default step stops at its angle budget
        Assert.True(d.Loss[^1] < d.Loss[0], $"loss {d.Loss[0]} -> {d.Loss[^1]}");
        Assert.True(d.JudgeTime > TimeSpan.Zero && d.OptimiseTime > TimeSpan.Zero && d.RescoreTime > TimeSpan.Zero);
        Assert.Equal(20, d.Judge!.Judged);
        Assert.Equal(2, d.Passes); // one pass ranks, samples and snapshots; one re-scores

        // Refinement moves the query towards the documents the judge called relevant.
        var positives = d.Judged.Where(j => j.Score == 1f).Select(j => j.CosineAfter!.Value - j.CosineBefore).ToArray();
        var negatives = d.Judged.Where(j => j.Score == 0f).Select(j => j.CosineAfter!.Value - j.CosineBefore).ToArray();
        Assert.NotEmpty(positives);
        Assert.NotEmpty(negatives);
        Assert.True(positives.Average() > negatives.Average(), $"positives moved {positives.Average()}, negatives {negatives.Average()}");

        // Ranks: 1..15 after; before = the position in the plain cosine ranking, whose scores are ScoreBefore.
        Assert.Equal(Enumerable.Range(1, 15), result.Hits.Select(h => h.Rank));
        Assert.True(result.Hits.Zip(result.Hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        var plain = await search.SearchAsync("clinc", Description(intent), 1000, new() { Refine = false });
        Assert.Equal(1, plain.Diagnostics.Passes);
        var plainRank = plain.Hits.ToDictionary(h => h.Id, h => (h.Rank, h.Score));
        foreach (var hit in result.Hits)
        {
            Assert.Equal(plainRank[hit.Id].Rank, hit.RankBefore);
            Assert.Equal(plainRank[hit.Id].Score, hit.ScoreBefore!.Value, 5);
            Assert.Equal("clinc150/train", hit.Source);
            Assert.Equal(hit.DocumentId + "#0", hit.Id);
            Assert.True(hit.Metadata.ContainsKey("intent"));
        }
    }

    /// <summary>An intent whose plain top 20 holds both relevant and irrelevant utterances, so refinement has something to separate.</summary>
    private async Task<string> MixedIntentAsync(RefinedSearch search)
    {
        foreach (string intent in _clinc.Data.Descriptions.Keys.Order(StringComparer.Ordinal))
        {
            var plain = await search.SearchAsync("clinc", Description(intent), 20, new() { Refine = false });
            int relevant = plain.Hits.Count(h => h.Metadata["intent"] == intent);
            if (relevant is >= 5 and <= 15)
            {
                return intent;
            }
        }

        throw new InvalidOperationException("No intent of the slice has a mixed top 20.");
    }

    [Fact]
    public async Task Turning_refinement_off_returns_the_cosine_ranking_and_says_why()
    {
        using var store = _clinc.Reopen();
        var search = new RefinedSearch(store, _clinc.Embedder, _clinc.Data.GoldJudge());
        var result = await search.SearchAsync("clinc", "what is my balance", 5, new() { Refine = false });
        Assert.False(result.Diagnostics.Refined);
        Assert.Contains("turned off", result.Diagnostics.SkippedReason, StringComparison.Ordinal);
        Assert.Empty(result.Diagnostics.Judged);
        Assert.Equal(TimeSpan.Zero, result.Diagnostics.JudgeTime);
        Assert.All(result.Hits, h => Assert.Equal(h.Rank, h.RankBefore));
    }

    [Fact]
    public async Task A_judge_that_fails_for_most_documents_leaves_the_ranking_unrefined_with_the_reason()
    {
        using var store = _clinc.Reopen();
        var failing = new GoldJudge((_, id) => id.EndsWith("0#0", StringComparison.Ordinal) ? 1f : null);
        var search = new RefinedSearch(store, _clinc.Embedder, failing);
        var result = await search.SearchAsync("clinc", Description(_clinc.Data.Descriptions.Keys.First()));
        Assert.False(result.Diagnostics.Refined);
        Assert.Contains("refinement needs at least 5", result.Diagnostics.SkippedReason, StringComparison.Ordinal);
        Assert.Contains(result.Diagnostics.Judged, j => j.Failure is not null && j.Failure.StartsWith("MissingLabel", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Diagnostics.Judged, j => j.Failure is not null && j.Score is not null);
        Assert.All(result.Hits, h => Assert.Equal(h.Rank, h.RankBefore));
    }

    [Fact]
    public async Task A_metadata_filter_restricts_candidates_judging_and_results()
    {
        using var store = _clinc.Reopen();
        var search = new RefinedSearch(store, _clinc.Embedder, _clinc.Data.GoldJudge());
        string intent = _clinc.Data.Descriptions.Keys.Order(StringComparer.Ordinal).Skip(3).First();
        var filter = new Dictionary<string, string> { ["intent"] = intent };
        var result = await search.SearchAsync("clinc", Description(intent), 10, new() { SearchOptions = new() { Filter = MemoryRecord.TagFilter(filter) }, FeedbackCount = 10, FeedbackFromTop = 5 });
        Assert.Equal(100, result.Diagnostics.Candidates);
        Assert.Equal(10, result.Diagnostics.Judged.Count);
        Assert.All(result.Hits, h => Assert.Equal(intent, h.Metadata["intent"]));
        Assert.All(result.Diagnostics.Judged, j => Assert.Equal(1f, j.Score)); // every candidate has the intent
        Assert.All(result.Hits, h => Assert.InRange(h.RankBefore!.Value, 1, 100));
    }

    [Fact]
    public async Task Bad_input_gets_typed_errors()
    {
        using var store = _clinc.Reopen();
        var search = new RefinedSearch(store, _clinc.Embedder, _clinc.Data.GoldJudge());
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => search.SearchAsync("missing", "anything"));
        await Assert.ThrowsAsync<ArgumentException>(() => search.SearchAsync("clinc", "  "));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => search.SearchAsync("clinc", "q", 0));
        var otherModel = new RefinedSearch(store, new HashingEmbedder(64), _clinc.Data.GoldJudge());
        await Assert.ThrowsAsync<EmbedderMismatchException>(() => otherModel.SearchAsync("clinc", "q"));
        var wrongDimension = new RefinedSearch(store, new HashingEmbedder(64, modelId: "hashing-256"), _clinc.Data.GoldJudge());
        var ex = await Assert.ThrowsAsync<DimensionMismatchException>(() => wrongDimension.SearchAsync("clinc", "q"));
        Assert.Equal((256, 64), (ex.Expected, ex.Actual));
    }
}
