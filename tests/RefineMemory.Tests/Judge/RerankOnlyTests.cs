using RefineMemory.Judge;
using RefineMemory.Rescore;
using RefineMemory.Retrieve;

namespace RefineMemory.Tests.Judge;

public sealed class RerankOnlyTests
{
    private static readonly SearchHit[] Ranked = Enumerable.Range(0, 6).Select(i => new SearchHit($"d{i}", 1f - (i / 10f))).ToArray();

    [Fact]
    public void Judged_documents_are_sorted_by_score_failures_follow_in_cosine_order_and_the_rest_keeps_its_place()
    {
        RelevanceJudgment[] judged =
        [
            RelevanceJudgment.Scored("d0", 0.2f),
            RelevanceJudgment.Failed("d1", JudgeFailureKind.Timeout, "slow"),
            RelevanceJudgment.Scored("d2", 0.9f),
            RelevanceJudgment.Scored("d3", 0.2f),
            RelevanceJudgment.Failed("d4", JudgeFailureKind.ServerError, "500"),
        ];

        var hits = RerankOnly.Rerank(Ranked, judged);

        Assert.Equal(["d2", "d0", "d3", "d1", "d4", "d5"], hits.Select(h => h.Id));
        Assert.Equal(new float?[] { 0.9f, 0.2f, 0.2f, null, null, null }, hits.Select(h => h.JudgeScore));
        Assert.Equal([2, 0, 3, 1, 4, 5], hits.Select(h => h.CosineRank));
        Assert.Equal(0.8f, hits[0].CosineScore, 6);
    }

    [Fact]
    public void Bad_judgments_are_named()
    {
        Assert.Contains("'zz'", Assert.Throws<ArgumentException>(() => RerankOnly.Rerank(Ranked, [RelevanceJudgment.Scored("zz", 1)])).Message, StringComparison.Ordinal);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => RerankOnly.Rerank(Ranked, [RelevanceJudgment.Scored("d0", 1), RelevanceJudgment.Scored("d0", 0)])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_async_form_judges_only_the_top_k()
    {
        var gold = new GoldJudge((_, id) => id == "d1" ? 1f : 0f);

        var result = await RerankOnly.RerankAsync(gold, "q", null, Ranked, id => "text " + id, topK: 3);

        Assert.Equal(["d1", "d0", "d2", "d3", "d4", "d5"], result.Hits.Select(h => h.Id));
        Assert.Equal(3, result.Diagnostics.Judged);
    }
}
