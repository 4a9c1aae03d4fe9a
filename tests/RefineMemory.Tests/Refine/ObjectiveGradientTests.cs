using RefineMemory.Refine;

namespace RefineMemory.Tests.Refine;

/// <summary>The analytic gradient must agree with central finite differences of the loss (computed in double).</summary>
public sealed class ObjectiveGradientTests
{
    [Theory]
    [InlineData(RefinementMode.KlDivergence, 16, 8)]
    [InlineData(RefinementMode.ReFit, 16, 8)]
    [InlineData(RefinementMode.KlDivergence, 64, 20)]
    [InlineData(RefinementMode.ReFit, 64, 20)]
    public void Analytic_gradient_matches_finite_differences(RefinementMode mode, int d, int m)
    {
        var rng = new Random(3);
        float[] x = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        float[] docs = Enumerable.Range(0, d * m).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        float[] scores = Enumerable.Range(0, m).Select(_ => (float)rng.NextDouble()).ToArray();
        var objective = new KlCosineObjective(docs, d, scores, mode, 2);
        var gradient = new float[d];
        objective.Evaluate(x, gradient);

        double gradNorm = Math.Sqrt(gradient.Sum(g => (double)g * g));
        Assert.True(gradNorm > 1e-4, "the test point should have a non-trivial gradient");
        const float h = 1e-3f;
        for (int i = 0; i < d; i++)
        {
            float saved = x[i];
            x[i] = saved + h;
            double plus = objective.Loss(x);
            x[i] = saved - h;
            double minus = objective.Loss(x);
            x[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 2e-3 * gradNorm, $"coordinate {i}: analytic {gradient[i]:E4}, numeric {numeric:E4}");
        }
    }

    [Fact]
    public void Loss_is_zero_when_cosines_already_order_documents_like_the_judge_with_equal_spread()
    {
        // One document equal to the query (cosine 1) and one orthogonal (cosine 0); judge scores 1 and 0:
        // q = softmax([1, 0]) = p, so KL = 0 and the gradient vanishes.
        float[] x = [1, 0];
        float[] docs = [1, 0, 0, 1];
        var objective = new KlCosineObjective(docs, 2, [1f, 0f], RefinementMode.KlDivergence, 2);
        var gradient = new float[2];
        double loss = objective.Evaluate(x, gradient);
        Assert.Equal(0, loss, 12);
        Assert.All(gradient, g => Assert.Equal(0f, g, 6));
    }
}
