using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Evaluation.Reports;
using RefineMemory.Evaluation.Tests.Support;
using RefineMemory.Judge;
using RefineMemory.Refine;
using RefineMemory.Testing;

namespace RefineMemory.Evaluation.Tests;

/// <summary>Several refinement settings scored on one judging; the validation/test split of Cranfield; the suite tables.</summary>
public sealed class StepSettingsTests
{
    private sealed class CountingJudge(IRelevanceJudge inner) : IRelevanceJudge
    {
        private int _calls;

        public int Calls => _calls;

        public Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return inner.JudgeAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task Alternative_settings_reuse_the_judgments_and_an_identical_setting_scores_identically()
    {
        var slice = SharedSets.ArgKp21.Take(12);
        var embeddings = await DatasetEmbedder.EmbedAsync(new HashingEmbeddingGenerator(), slice);
        var gold = EvalJudges.Gold(slice);
        var counting = new List<CountingJudge>();
        IRelevanceJudge JudgeFor(EvalQuery q)
        {
            var judge = new CountingJudge(gold(q));
            lock (counting)
            {
                counting.Add(judge);
            }

            return judge;
        }

        var main = new RefinementOptions { StepRule = StepSizeRule.DimensionScaled, Steps = 200 };
        var options = new EvaluationOptions
        {
            Refinement = main,
            BootstrapSamples = 100,
            AlternativeRefinements = [("same", main.Clone()), ("paper", new RefinementOptions().UsePaperStep())],
        };
        var result = await new EvaluationRunner(JudgeFor, options).RunAsync(slice, embeddings);

        Assert.Equal(["baseline", "refined", "refined:same", "refined:paper", "rerank"], result.MethodNames);
        Assert.Equal(12, counting.Count);
        Assert.All(counting, c => Assert.Equal(1, c.Calls));
        Assert.Equal(result.Values(EvalMethods.Refined, m => m.AveragePrecision), result.Values(EvalMethods.RefinedWith("same"), m => m.AveragePrecision));
        Assert.NotEqual(result.Values(EvalMethods.Refined, m => m.AveragePrecision), result.Values(EvalMethods.RefinedWith("paper"), m => m.AveragePrecision));
        Assert.NotNull(result.Summary(EvalMethods.RefinedWith("paper")).MapVersusBaseline);
    }

    [Fact]
    public void Cranfield_validation_and_test_halves_split_the_queries_and_keep_every_document()
    {
        RepoPaths.RequireShared("datasets/cranfield");
        string shared = RepoPaths.Shared;
        var all = DatasetCatalog.Load("cranfield", shared);
        var val = DatasetCatalog.Load("cranfield:val", shared);
        var test = DatasetCatalog.Load("cranfield:test", shared);

        Assert.Equal("cranfield:val", val.Name);
        Assert.Equal(all.Queries.Count, val.Queries.Count + test.Queries.Count);
        Assert.Empty(val.Queries.Select(q => q.Id).Intersect(test.Queries.Select(q => q.Id)));
        Assert.Equal(all.Queries[0].Id, val.Queries[0].Id);
        Assert.Equal(all.Queries[1].Id, test.Queries[0].Id);
        Assert.Equal(all.Documents.Count, val.Documents.Count);
        Assert.Equal(all.Documents.Count, test.Documents.Count);
    }

    [Fact]
    public void Step_settings_are_written_in_words()
    {
        Assert.Equal("lr 0.0001, 100 steps", ReportFormat.Step(new RefinementOptions().UsePaperStep()));
        Assert.Equal("lr 0.0001 x sqrt(1024/d), 300 steps", ReportFormat.Step(new RefinementOptions { StepRule = StepSizeRule.DimensionScaled, Steps = 300, MaxAngle = null }));
        Assert.Equal("lr 0.0001 x sqrt(1024/d), at most 1000 steps, angle budget 0.5 rad",
            ReportFormat.Step(new RefinementOptions { StepRule = StepSizeRule.DimensionScaled, Steps = 1000, MaxAngle = 0.5 }));
    }
}
