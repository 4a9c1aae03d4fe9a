using Xunit.Abstractions;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Evaluation.Tests.Support;
using RefineMemory.Judge;
using RefineMemory.Refine;

namespace RefineMemory.Evaluation.Tests;

public sealed class ProtocolTests(ITestOutputHelper output)
{
    private static async Task<EvaluationResult> RunAsync(EvalDataset set, Func<EvalQuery, IRelevanceJudge> judge, RefinementOptions? refinement = null, HydeVectorSource? hyde = null)
    {
        var embeddings = await DatasetEmbedder.EmbedAsync(new HashingEmbeddingGenerator(), set);
        var options = new EvaluationOptions { Refinement = refinement ?? new RefinementOptions(), BootstrapSamples = 500 };
        return await new EvaluationRunner(judge, options, hyde).RunAsync(set, embeddings);
    }

    [Theory]
    [InlineData(1e-4, 100)]
    [InlineData(1e-3, 100)]
    public async Task Gold_judge_refinement_raises_map_on_an_argkp21_slice(double lr, int steps)
    {
        var slice = SharedSets.ArgKp21.Take(40);
        var result = await RunAsync(slice, EvalJudges.Gold(slice), new RefinementOptions { LearningRate = lr, Steps = steps });
        var baseline = result.Summary(EvalMethods.Baseline);
        var refined = result.Summary(EvalMethods.Refined);
        output.WriteLine($"lr {lr}: MAP {baseline.Map:0.0000} -> {refined.Map:0.0000}, rerank {result.Summary(EvalMethods.Rerank).Map:0.0000}");
        Assert.Equal(40, refined.Queries);
        Assert.True(refined.Map > baseline.Map, $"MAP {baseline.Map:0.0000} -> {refined.Map:0.0000}");
        Assert.True(refined.MapVersusBaseline!.DifferenceLow > 0, $"CI [{refined.MapVersusBaseline.DifferenceLow}, {refined.MapVersusBaseline.DifferenceHigh}]");
        Assert.All(result.Queries, q => Assert.True(q.Refined));
        Assert.All(result.Queries, q => Assert.True(q.Loss[^1] < q.Loss[0]));
    }

    [Fact]
    public async Task Gold_judge_refinement_raises_map_on_a_clinc150_slice()
    {
        var slice = SharedSets.Clinc150.Take(6);
        var result = await RunAsync(slice, EvalJudges.Gold(slice), new RefinementOptions { LearningRate = 1e-3 });
        var baseline = result.Summary(EvalMethods.Baseline);
        var refined = result.Summary(EvalMethods.Refined);
        output.WriteLine($"MAP {baseline.Map:0.0000} -> {refined.Map:0.0000}");
        Assert.All(result.Queries, q => Assert.Equal(15_000, q.PoolSize));
        Assert.True(refined.Map > baseline.Map, $"MAP {baseline.Map:0.0000} -> {refined.Map:0.0000}");
    }

    [Fact]
    public async Task A_judge_that_inverts_every_label_makes_refinement_hurt()
    {
        var slice = SharedSets.ArgKp21.Take(40);
        var result = await RunAsync(slice, EvalJudges.Simulated(slice, 1.0), new RefinementOptions { LearningRate = 1e-3 });
        Assert.True(result.Summary(EvalMethods.Refined).Map < result.Summary(EvalMethods.Baseline).Map);
        Assert.True(result.Summary(EvalMethods.Rerank).Map < result.Summary(EvalMethods.Baseline).Map);
    }

    [Fact]
    public async Task Rerank_with_the_gold_judge_never_lowers_a_querys_average_precision()
    {
        var slice = SharedSets.ArgKp21.Take(30);
        var result = await RunAsync(slice, EvalJudges.Gold(slice));
        Assert.All(result.Queries, q => Assert.True(
            q.Methods[EvalMethods.Rerank].AveragePrecision >= q.Methods[EvalMethods.Baseline].AveragePrecision - 1e-12,
            $"{q.QueryId}: {q.Methods[EvalMethods.Baseline].AveragePrecision} -> {q.Methods[EvalMethods.Rerank].AveragePrecision}"));
        Assert.All(result.Queries, q => Assert.Equal(Math.Min(20, q.PoolSize), q.FeedbackDocuments));
    }

    [Fact]
    public async Task Queries_whose_judgments_fail_are_left_unrefined_and_say_why()
    {
        var slice = SharedSets.ArgKp21.Take(5);
        var result = await RunAsync(slice, _ => new GoldJudge((_, _) => null));
        Assert.All(result.Queries, q =>
        {
            Assert.False(q.Refined);
            Assert.Contains("at least 5", q.SkippedReason, StringComparison.Ordinal);
            Assert.Equal(q.FeedbackDocuments, q.JudgeFailures);
            Assert.Equal(q.Methods[EvalMethods.Baseline], q.Methods[EvalMethods.Refined]);
            // Rerank keeps the cosine order (failed judgments stay in place); only tied cosines, which the metrics
            // score as one group and the rerank breaks by position, can move AP and AUC slightly.
            Assert.Equal(q.Methods[EvalMethods.Baseline].Recall20, q.Methods[EvalMethods.Rerank].Recall20);
            Assert.Equal(q.Methods[EvalMethods.Baseline].AveragePrecision, q.Methods[EvalMethods.Rerank].AveragePrecision, 2);
            Assert.Empty(q.Loss);
        });
    }

    [Fact]
    public async Task Each_method_reports_the_judge_calls_and_judgements_it_cost()
    {
        var slice = SharedSets.ArgKp21.Take(3);
        var gold = EvalJudges.Gold(slice);
        var options = new RefinementOptions { FeedbackStrategy = FeedbackStrategy.Rounds, FeedbackCount = 10, FeedbackFromTop = 10 };

        var result = await RunAsync(slice, q => new OneCallPerRequest(gold(q)), options);

        // Two rounds of five documents per query, one call each.
        Assert.All(result.Queries, q => Assert.Equal(new JudgeCost(2, 10), q.Costs[EvalMethods.Refined]));
        Assert.Equal((6, 30), (result.Summary(EvalMethods.Refined).JudgeCalls, result.Summary(EvalMethods.Refined).Judgements));
        Assert.Equal((6, 30), (result.Summary(EvalMethods.Rerank).JudgeCalls, result.Summary(EvalMethods.Rerank).Judgements));
        Assert.Equal((0, 0), (result.Summary(EvalMethods.Baseline).JudgeCalls, result.Summary(EvalMethods.Baseline).Judgements));
        Assert.All(result.Queries, q => Assert.Equal(2, q.FeedbackRounds));
    }

    /// <summary>A judge that reports one model call per request, as a batched chat judge with a large batch would.</summary>
    private sealed class OneCallPerRequest(IRelevanceJudge inner) : IRelevanceJudge
    {
        public async Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
        {
            var result = await inner.JudgeAsync(request, cancellationToken);
            var d = result.Diagnostics;
            return new JudgeResult(result.Judgments, new JudgeDiagnostics { Judged = d.Judged, Failed = d.Failed, FailuresByKind = d.FailuresByKind, Calls = 1 });
        }
    }

    [Fact]
    public async Task Hyde_runs_when_a_source_is_given_and_its_dimension_is_checked()
    {
        var slice = SharedSets.ArgKp21.Take(3);
        var embedder = new HashingEmbeddingGenerator();
        HydeVectorSource hyde = async (query, _, ct) => (await embedder.GenerateAsync([query + " because"], cancellationToken: ct))[0].Vector;
        var result = await RunAsync(slice, EvalJudges.Gold(slice), hyde: hyde);
        Assert.Equal(new[] { "baseline", "refined", "rerank", "hyde" }, result.MethodNames);
        Assert.All(result.Queries, q => Assert.True(q.Methods.ContainsKey(EvalMethods.Hyde)));

        HydeVectorSource wrong = (_, _, _) => Task.FromResult(new ReadOnlyMemory<float>(new float[3]));
        await Assert.ThrowsAsync<DimensionMismatchException>(() => RunAsync(slice, EvalJudges.Gold(slice), hyde: wrong));
    }

    [Fact]
    public async Task Embedding_sends_each_distinct_text_once_and_formats_queries_with_the_instruction()
    {
        var slice = SharedSets.ArgKp21.Take(4);
        var embedder = new HashingEmbeddingGenerator();
        var progress = new List<EmbeddingProgress>();
        var embeddings = await DatasetEmbedder.EmbedAsync(embedder, slice, progress: new SyncProgress<EmbeddingProgress>(progress.Add));
        int distinctDocs = slice.Queries.SelectMany(q => q.Pool).Select(i => slice.Documents[i].Text).Distinct().Count();
        Assert.Equal(distinctDocs + 4, embedder.TextsSeen);
        Assert.Equal(embedder.TextsSeen, embeddings.TextsEmbedded);
        Assert.Equal(embedder.TextsSeen, progress[^1].Done);

        var plain = await DatasetEmbedder.EmbedAsync(embedder, slice, useInstructions: false);
        var expected = (await embedder.GenerateAsync([Embed.QueryInstruction.Format(slice.Queries[0].Text, slice.Queries[0].Instruction)]))[0].Vector.ToArray();
        float norm = MathF.Sqrt(expected.Sum(x => x * x));
        Assert.Equal(expected.Select(x => x / norm), embeddings.Query(0).ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.NotEqual(embeddings.Query(0).ToArray(), plain.Query(0).ToArray());
    }
}

internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
