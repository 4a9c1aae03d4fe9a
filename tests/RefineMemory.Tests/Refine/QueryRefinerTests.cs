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
        var result = QueryRefiner.Refine(Query, Docs, Scores, ["a", "b", "c"], new RefinementOptions { LearningRate = 1e-2, Steps = 200, MaxAngle = null });
        var b = result.Judged.Single(j => j.Id == "b");
        var a = result.Judged.Single(j => j.Id == "a");
        Assert.True(b.CosineAfter > b.CosineBefore);
        Assert.True(a.CosineAfter < a.CosineBefore);
        Assert.True(result.FinalLoss < result.Loss[0]);
        Assert.Equal(200, result.Loss.Count);
        Assert.Equal(1e-2, result.LearningRate);
    }

    [Fact]
    public void ReFit_mode_defaults_to_its_own_learning_rate_scaled_like_the_kl_modes()
    {
        var paper = QueryRefiner.Refine(Query, Docs, Scores, null, new RefinementOptions { Mode = RefinementMode.ReFit }.UsePaperStep());
        Assert.Equal(5e-3, paper.LearningRate);
        var result = QueryRefiner.Refine(Query, Docs, Scores, null, new RefinementOptions { Mode = RefinementMode.ReFit, Steps = 3 });
        Assert.Equal(5e-3 * Math.Sqrt(1024.0 / Query.Length), result.LearningRate, 12);
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
    public void The_step_loop_allocates_nothing()
    {
        var rng = new Random(1);
        float[] query = Enumerable.Range(0, 256).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] docs = Enumerable.Range(0, 256 * 20).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] scores = Enumerable.Range(0, 20).Select(_ => (float)rng.NextDouble()).ToArray();
        long Allocated(int steps)
        {
            var options = new RefinementOptions { Steps = steps, MaxAngle = null };
            QueryRefiner.Refine(query, docs, scores, null, options); // warm up the JIT
            long before = GC.GetAllocatedBytesForCurrentThread();
            QueryRefiner.Refine(query, docs, scores, null, options);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        // Let tiered compilation settle first: Refine and its step methods past the tier-up call count and the loop
        // past on-stack replacement, whose one-off bookkeeping would otherwise be counted on this thread now and then.
        for (int i = 0; i < 40; i++)
        {
            QueryRefiner.Refine(query, docs, scores, null, new RefinementOptions { Steps = 1010, MaxAngle = null });
        }

        // Only the per-step loss array grows with the step count (8 bytes a step).
        long few = Allocated(10), many = Allocated(1010);
        Assert.Equal(1000 * sizeof(double), many - few);
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
