using RefineMemory.Retrieve;

namespace RefineMemory.Tests.Retrieve;

public sealed class DotProductKernelTests
{
    [Theory]
    [InlineData(384, 11)]
    [InlineData(64, 4)]
    [InlineData(24, 9)]
    [InlineData(100, 7)]
    [InlineData(3, 5)]
    public void Kernel_equals_a_double_precision_reference(int d, int n)
    {
        var rng = new Random(d * 31 + n);
        float[] rows = Enumerable.Range(0, d * n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        float[] q = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var scores = new float[n];
        DotProductKernel.Score(rows, q, scores);
        for (int i = 0; i < n; i++)
        {
            double expected = 0;
            for (int k = 0; k < d; k++)
            {
                expected += (double)rows[(i * d) + k] * q[k];
            }

            Assert.Equal(expected, scores[i], 4);
        }
    }
}
