using System.Numerics.Tensors;
using RefineMemory.Refine;

namespace RefineMemory.Tests.Refine;

/// <summary>The step rules on top of the paper's Adam loop: dimension-scaled rate, angle budget, loss plateau.</summary>
public sealed class StepRuleTests
{
    private static (float[] Query, float[] Documents, float[] Scores) Case(int d, int m = 12, int seed = 7)
    {
        var random = new Random(seed);
        float[] Unit(int n)
        {
            var v = new float[n];
            for (int i = 0; i < n; i++)
            {
                v[i] = (float)(random.NextDouble() - 0.5);
            }

            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
            return v;
        }

        var documents = new float[m * d];
        for (int j = 0; j < m; j++)
        {
            Unit(d).CopyTo(documents, j * d);
        }

        return (Unit(d), documents, Enumerable.Range(0, m).Select(j => j % 3 == 0 ? 1f : 0f).ToArray());
    }

    private static double Angle(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Math.Acos(Math.Clamp(TensorPrimitives.CosineSimilarity(a, b), -1f, 1f));

    [Theory]
    [InlineData(384)]
    [InlineData(1024)]
    [InlineData(4096)]
    public void Dimension_scaled_rate_is_the_papers_at_1024_and_shrinks_as_one_over_sqrt_d(int d)
    {
        var scaled = new RefinementOptions { StepRule = StepSizeRule.DimensionScaled };
        Assert.Equal(1e-4 * Math.Sqrt(1024.0 / d), scaled.LearningRateFor(d), 12);
        Assert.Equal(1e-4, new RefinementOptions { StepRule = StepSizeRule.Fixed }.LearningRateFor(d), 15);
        Assert.Equal(3e-3, new RefinementOptions { StepRule = StepSizeRule.DimensionScaled, LearningRate = 3e-3 }.LearningRateFor(d), 15);
    }

    [Fact]
    public void Dimension_scaled_steps_turn_queries_of_different_dimensions_by_similar_angles()
    {
        double AngleAfter(int d, StepSizeRule rule)
        {
            var (q, docs, scores) = Case(d);
            var result = QueryRefiner.Refine(q, docs, scores, null, new RefinementOptions { StepRule = rule, Steps = 100, MaxAngle = null });
            Assert.Equal(rule == StepSizeRule.Fixed ? 1e-4 : 1e-4 * Math.Sqrt(1024.0 / d), result.LearningRate, 12);
            return Angle(q, result.RefinedQuery);
        }

        double fixedRatio = AngleAfter(4096, StepSizeRule.Fixed) / AngleAfter(256, StepSizeRule.Fixed);
        double scaledRatio = AngleAfter(4096, StepSizeRule.DimensionScaled) / AngleAfter(256, StepSizeRule.DimensionScaled);
        Assert.True(fixedRatio > 2.5, $"fixed rate: the 4096-d query turns {fixedRatio:0.00}x the 256-d one's angle");
        Assert.InRange(scaledRatio, 0.6, 1.6);
    }

    [Fact]
    public void Angle_budget_stops_at_the_first_step_that_reaches_it()
    {
        var (q, docs, scores) = Case(256);
        const double budget = 0.1;
        var options = new RefinementOptions { LearningRate = 1e-3, Steps = 1000, MaxAngle = budget };
        var result = QueryRefiner.Refine(q, docs, scores, null, options);

        Assert.Equal("angle budget reached", result.StopReason);
        Assert.InRange(result.Loss.Count, 2, 999);
        Assert.True(Angle(q, result.RefinedQuery) >= budget - 1e-6);
        var oneStepShort = QueryRefiner.Refine(q, docs, scores, null, new RefinementOptions { LearningRate = 1e-3, Steps = result.Loss.Count - 1, MaxAngle = null });
        Assert.True(Angle(q, oneStepShort.RefinedQuery) < budget);
        Assert.Null(oneStepShort.StopReason);
    }

    [Fact]
    public void Loss_plateau_stops_once_the_loss_falls_less_than_the_tolerance_over_the_window()
    {
        var (q, docs, scores) = Case(128);
        var options = new RefinementOptions { LearningRate = 1e-2, Steps = 5000, MaxAngle = null, LossPlateauTolerance = 1e-3, LossPlateauWindow = 10 };
        var result = QueryRefiner.Refine(q, docs, scores, null, options);

        Assert.Equal("loss plateau", result.StopReason);
        int n = result.Loss.Count;
        Assert.InRange(n, 11, 4999);
        Assert.True(result.Loss[n - 10] - result.FinalLoss <= 1e-3 * result.Loss[n - 10]);
        for (int s = 10; s < n; s++)
        {
            Assert.True(result.Loss[s - 10] - result.Loss[s] > 1e-3 * result.Loss[s - 10], $"should have stopped before step {s}");
        }
    }

    [Fact]
    public void The_default_is_the_validated_step_and_the_papers_fixed_step_is_one_call_away()
    {
        var defaults = new RefinementOptions();
        Assert.Equal((StepSizeRule.DimensionScaled, 1000, (double?)0.45, (double?)null), (defaults.StepRule, defaults.Steps, defaults.MaxAngle, defaults.LearningRate));
        var paper = new RefinementOptions { LossPlateauTolerance = 0.01 }.UsePaperStep();
        Assert.Equal((StepSizeRule.Fixed, 100, (double?)null, (double?)null, 1e-4), (paper.StepRule, paper.Steps, paper.MaxAngle, paper.LossPlateauTolerance, paper.LearningRateFor(384)));
        var validated = new RefinementOptions { LearningRate = 5e-3 }.UsePaperStep().UseValidatedStep();
        Assert.Equal((StepSizeRule.DimensionScaled, 1000, (double?)0.45, (double?)null), (validated.StepRule, validated.Steps, validated.MaxAngle, validated.LearningRate));

        var (q0, docs0, scores0) = Case(384);
        Assert.Equal(100, QueryRefiner.Refine(q0, docs0, scores0, null, paper).Loss.Count);

        var (q, docs, scores) = Case(384);
        var result = QueryRefiner.Refine(q, docs, scores, null, validated);
        Assert.Equal("angle budget reached", result.StopReason);
        Assert.InRange(Angle(q, result.RefinedQuery), 0.45, 0.46);
    }

    [Fact]
    public void Without_stopping_rules_every_step_runs()
    {
        var (q, docs, scores) = Case(64);
        var result = QueryRefiner.Refine(q, docs, scores, null, new RefinementOptions { Steps = 37, MaxAngle = null });
        Assert.Equal(37, result.Loss.Count);
        Assert.Null(result.StopReason);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(4.0)]
    [InlineData(double.NaN)]
    public void An_angle_budget_outside_0_to_pi_is_refused(double angle)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RefinementOptions { MaxAngle = angle }.Validate());
        Assert.Equal("MaxAngle", error.ParamName);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_plateau_tolerance_outside_0_to_1_is_refused(double tolerance)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RefinementOptions { LossPlateauTolerance = tolerance }.Validate());
        Assert.Equal("LossPlateauTolerance", error.ParamName);
    }
}
