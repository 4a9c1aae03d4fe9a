using RefineMemory.Refine;

namespace RefineMemory.Tests.Refine;

public sealed class QueryRefinerTests
{
    private static readonly float[] Query = [1, 0, 0];
    private static readonly float[] Docs = [0.9f, 0.1f, 0, 0.1f, 0.9f, 0, 0.5f, 0.5f, 0.1f];
    private static readonly float[] Scores = [0, 1, 0.5f];

    [Fact]
    public void Refinement_moves_the_query_towards_what_the_judge_prefers()
    {
        var result = QueryRefiner.Refine(Query, Docs, Scores, ["a", "b", "c"], new RefinementOptions { LearningRate = 1e-2, Steps = 200 });
        var b = result.Judged.Single(j => j.Id == "b");
        var a = result.Judged.Single(j => j.Id == "a");
        Assert.True(b.CosineAfter > b.CosineBefore);
        Assert.True(a.CosineAfter < a.CosineBefore);
        Assert.True(result.FinalLoss < result.Loss[0]);
        Assert.Equal(200, result.Loss.Count);
        Assert.Equal(1e-2, result.LearningRate);
    }

    [Fact]
    public void ReFit_mode_defaults_to_its_own_learning_rate()
    {
        var result = QueryRefiner.Refine(Query, Docs, Scores, null, new RefinementOptions { Mode = RefinementMode.ReFit, Steps = 3 });
        Assert.Equal(5e-3, result.LearningRate);
        Assert.Equal(["0", "1", "2"], result.Judged.Select(j => j.Id));
    }

    [Fact]
    public void Bad_input_is_rejected_with_a_message_naming_the_problem()
    {
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => QueryRefiner.Refine([], Docs, Scores)).Message, StringComparison.Ordinal);
        Assert.Contains("no judged documents", Assert.Throws<ArgumentException>(() => QueryRefiner.Refine(Query, [], [])).Message, StringComparison.Ordinal);
        Assert.Throws<DimensionMismatchException>(() => QueryRefiner.Refine(Query, Docs.AsSpan(0, 8), Scores));
        Assert.Contains("non-finite", Assert.Throws<ArgumentException>(() => QueryRefiner.Refine([1, float.NaN, 0], Docs, Scores)).Message, StringComparison.Ordinal);
        Assert.Contains("zero vector", Assert.Throws<ArgumentException>(() => QueryRefiner.Refine([0, 0, 0], Docs, Scores)).Message, StringComparison.Ordinal);
        Assert.Contains("document 1", Assert.Throws<ArgumentException>(() => QueryRefiner.Refine(Query, [1, 0, 0, 0, 0, 0, 1, 1, 1], Scores)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => QueryRefiner.Refine(Query, Docs, Scores, null, new RefinementOptions { Steps = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => QueryRefiner.Refine(Query, Docs, Scores, null, new RefinementOptions { LearningRate = -1 }));
    }

    [Fact]
    public void Cancellation_stops_the_optimisation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => QueryRefiner.Refine(Query, Docs, Scores, cancellationToken: cts.Token));
    }

    [Fact]
    public void ReFit_with_identical_judge_scores_has_a_uniform_target_and_stays_finite()
    {
        var result = QueryRefiner.Refine(Query, Docs, [1, 1, 1], null, new RefinementOptions { Mode = RefinementMode.ReFit, Steps = 10 });
        Assert.All(result.RefinedQuery, v => Assert.True(float.IsFinite(v)));
        Assert.All(result.Loss, l => Assert.True(double.IsFinite(l)));
    }
}
