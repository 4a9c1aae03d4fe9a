using RefineMemory.Judge;
using RefineMemory.Refine;

namespace RefineMemory.Tests.Refine;

public sealed class FeedbackRefinerTests
{
    private static FeedbackCandidate[] Sample(int count) =>
        Enumerable.Range(0, count).Select(i => new FeedbackCandidate($"d{i}", $"text {i}", new float[] { 1, i + 1 })).ToArray();

    [Fact]
    public async Task Judgments_in_request_order_refine_the_query()
    {
        var refiner = new FeedbackRefiner(new GoldJudge((_, id) => id == "d0" ? 1f : 0f));
        var outcome = await refiner.RefineAsync("q", null, new float[] { 1, 0 }, Sample(6));
        Assert.NotNull(outcome.Refinement);
        Assert.Equal(["d0", "d1", "d2", "d3", "d4", "d5"], outcome.Refinement.Judged.Select(j => j.Id));
    }

    [Fact]
    public async Task A_judge_answering_out_of_order_is_refused_rather_than_scores_given_to_the_wrong_documents()
    {
        var refiner = new FeedbackRefiner(new ReversingJudge());
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => refiner.RefineAsync("q", null, new float[] { 1, 0 }, Sample(6)));
        Assert.Contains("'d5'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'d0'", ex.Message, StringComparison.Ordinal);
    }

    private sealed class ReversingJudge : IRelevanceJudge
    {
        public Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new JudgeResult(request.Documents.Reverse().Select(d => RelevanceJudgment.Scored(d.Id, 0.5f)).ToArray()));
    }
}
