using System.Numerics.Tensors;

namespace RefineMemory.Refine;

/// <summary>
/// Adam on one float vector, step for step as PyTorch's <c>torch.optim.Adam</c> (no weight decay,
/// no AMSGrad): bias corrections in double, moments and update in float. Allocates only in its constructor.
/// </summary>
internal sealed class AdamOptimizer
{
    private readonly float[] _firstMoment;
    private readonly float[] _secondMoment;
    private readonly float[] _scratch;
    private readonly double _learningRate;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;
    private int _step;

    public AdamOptimizer(int dimension, double learningRate, double beta1, double beta2, double epsilon)
    {
        _firstMoment = new float[dimension];
        _secondMoment = new float[dimension];
        _scratch = new float[dimension];
        _learningRate = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
    }

    /// <summary>Moves <paramref name="parameters"/> one step against <paramref name="gradient"/>.</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        _step++;
        Span<float> m = _firstMoment, v = _secondMoment, t = _scratch;

        TensorPrimitives.Multiply(m, (float)_beta1, m);
        TensorPrimitives.MultiplyAdd(gradient, (float)(1 - _beta1), m, m);

        TensorPrimitives.Multiply(v, (float)_beta2, v);
        TensorPrimitives.Multiply(gradient, gradient, t);
        TensorPrimitives.MultiplyAdd(t, (float)(1 - _beta2), v, v);

        double biasCorrection1 = 1 - Math.Pow(_beta1, _step);
        double biasCorrection2 = 1 - Math.Pow(_beta2, _step);
        double stepSize = _learningRate / biasCorrection1;

        // denom = sqrt(v) / sqrt(bc2) + eps; x -= stepSize * m / denom
        TensorPrimitives.Sqrt(v, t);
        TensorPrimitives.Divide(t, (float)Math.Sqrt(biasCorrection2), t);
        TensorPrimitives.Add(t, (float)_epsilon, t);
        TensorPrimitives.Divide(m, t, t);
        TensorPrimitives.MultiplyAdd(t, (float)-stepSize, parameters, parameters);
    }
}
