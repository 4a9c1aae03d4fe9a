using System.Numerics.Tensors;

namespace RefineMemory.Refine;

/// <summary>
/// The refinement loss and its exact gradient with respect to the query vector x:
/// <c>KL(p || q) = sum_j p_j log((p_j + 1e-8) / (q_j + 1e-8))</c>, p = softmax(target scores),
/// q = softmax(cos(x, d_j)), optionally with ReFIT's min-max normalisation of both and a temperature on
/// the scores. Per-document quantities are kept in double; vectors are float, as in the reference.
/// All buffers are allocated once, so <see cref="Evaluate"/> allocates nothing.
/// </summary>
internal sealed class KlCosineObjective
{
    private const double KlEpsilon = 1e-8;

    private readonly float[] _documents;
    private readonly int _count;
    private readonly int _dimension;
    private readonly bool _minMax;
    private readonly double[] _documentNorms;
    private readonly double[] _target;
    private readonly double[] _cosines;
    private readonly double[] _logits;
    private readonly double[] _q;
    private readonly double[] _dLogits;

    public KlCosineObjective(ReadOnlySpan<float> documents, int dimension, ReadOnlySpan<float> scores, RefinementMode mode, double temperature)
    {
        _dimension = dimension;
        _count = scores.Length;
        _documents = documents.ToArray();
        _minMax = mode == RefinementMode.ReFit;
        _documentNorms = new double[_count];
        _target = new double[_count];
        _cosines = new double[_count];
        _logits = new double[_count];
        _q = new double[_count];
        _dLogits = new double[_count];

        for (int j = 0; j < _count; j++)
        {
            _documentNorms[j] = Math.Sqrt(TensorPrimitives.Dot(Document(j), Document(j)));
        }

        var targetLogits = new double[_count];
        for (int j = 0; j < _count; j++)
        {
            targetLogits[j] = scores[j];
        }

        if (_minMax)
        {
            MinMaxNormalise(targetLogits, out _, out _, out _, out _);
            for (int j = 0; j < _count; j++)
            {
                targetLogits[j] /= temperature;
            }
        }

        Softmax(targetLogits, _target);
    }

    /// <summary>The target distribution p (softmax of the judge scores).</summary>
    public ReadOnlySpan<double> Target => _target;

    /// <summary>Cosines of the last evaluated query to each document.</summary>
    public ReadOnlySpan<double> Cosines => _cosines;

    /// <summary>Computes the loss at <paramref name="x"/> and writes dLoss/dx into <paramref name="gradient"/>.</summary>
    public double Evaluate(ReadOnlySpan<float> x, Span<float> gradient)
    {
        double xNorm = ComputeCosines(x);

        // Logits of q: the cosines, or their min-max normalisation (ReFIT).
        _cosines.CopyTo(_logits, 0);
        double range = 1;
        int argMinCount = 0, argMaxCount = 0;
        double min = 0, max = 0;
        if (_minMax)
        {
            MinMaxNormalise(_logits, out min, out max, out argMinCount, out argMaxCount);
            range = max - min;
        }

        Softmax(_logits, _q);

        // Loss, and dLoss/dq_j = -p_j / (q_j + eps).
        double loss = 0;
        double weighted = 0;
        for (int j = 0; j < _count; j++)
        {
            double p = _target[j], q = _q[j];
            loss += p * Math.Log((p + KlEpsilon) / (q + KlEpsilon));
            double g = -p / (q + KlEpsilon);
            _dLogits[j] = g;
            weighted += g * q;
        }

        // Softmax backward: dL/dz_k = q_k (g_k - sum_j g_j q_j).
        for (int j = 0; j < _count; j++)
        {
            _dLogits[j] = _q[j] * (_dLogits[j] - weighted);
        }

        if (_minMax)
        {
            BackwardMinMax(min, max, range, argMinCount, argMaxCount);
        }

        // Cosine backward: dcos_j/dx = d_j / (|x| |d_j|) - cos_j x / |x|^2.
        gradient.Clear();
        double selfTerm = 0;
        for (int j = 0; j < _count; j++)
        {
            double c = _dLogits[j];
            selfTerm += c * _cosines[j];
            TensorPrimitives.MultiplyAdd(Document(j), (float)(c / (xNorm * _documentNorms[j])), gradient, gradient);
        }

        TensorPrimitives.MultiplyAdd(x, (float)(-selfTerm / (xNorm * xNorm)), gradient, gradient);
        return loss;
    }

    /// <summary>Computes the loss at <paramref name="x"/> without a gradient.</summary>
    public double Loss(ReadOnlySpan<float> x)
    {
        ComputeCosines(x);
        _cosines.CopyTo(_logits, 0);
        if (_minMax)
        {
            MinMaxNormalise(_logits, out _, out _, out _, out _);
        }

        Softmax(_logits, _q);
        double loss = 0;
        for (int j = 0; j < _count; j++)
        {
            loss += _target[j] * Math.Log((_target[j] + KlEpsilon) / (_q[j] + KlEpsilon));
        }

        return loss;
    }

    private double ComputeCosines(ReadOnlySpan<float> x)
    {
        double xNorm = Math.Sqrt(TensorPrimitives.Dot(x, x));
        for (int j = 0; j < _count; j++)
        {
            _cosines[j] = TensorPrimitives.Dot(Document(j), x) / (xNorm * _documentNorms[j]);
        }

        return xNorm;
    }

    /// <summary>
    /// Backward of z_k = (c_k - min)/(max - min): the direct term, plus the gradient that flows into the
    /// min and max, shared evenly between tied arg-min and arg-max entries (as PyTorch does).
    /// The incoming dL/dz is in <see cref="_dLogits"/>; on return it holds dL/dc.
    /// </summary>
    private void BackwardMinMax(double min, double max, double range, int argMinCount, int argMaxCount)
    {
        if (range == 0)
        {
            // Degenerate normalisation (all cosines equal) is treated as constant zeros: no gradient.
            Array.Clear(_dLogits);
            return;
        }

        double toMin = 0, toMax = 0;
        for (int k = 0; k < _count; k++)
        {
            double z = (_cosines[k] - min) / range;
            toMin += _dLogits[k] * (z - 1) / range;
            toMax -= _dLogits[k] * z / range;
            _dLogits[k] /= range;
        }

        for (int k = 0; k < _count; k++)
        {
            if (_cosines[k] == min)
            {
                _dLogits[k] += toMin / argMinCount;
            }

            if (_cosines[k] == max)
            {
                _dLogits[k] += toMax / argMaxCount;
            }
        }
    }

    private ReadOnlySpan<float> Document(int j) => _documents.AsSpan(j * _dimension, _dimension);

    /// <summary>
    /// Min-max normalises in place. When all values are equal the result is all zeros
    /// (PyTorch would produce NaN; a constant input carries no ranking signal).
    /// </summary>
    private static void MinMaxNormalise(Span<double> values, out double min, out double max, out int argMinCount, out int argMaxCount)
    {
        min = double.PositiveInfinity;
        max = double.NegativeInfinity;
        foreach (double v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        argMinCount = 0;
        argMaxCount = 0;
        foreach (double v in values)
        {
            argMinCount += v == min ? 1 : 0;
            argMaxCount += v == max ? 1 : 0;
        }

        double range = max - min;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = range == 0 ? 0 : (values[i] - min) / range;
        }
    }

    private static void Softmax(ReadOnlySpan<double> logits, Span<double> result)
    {
        double max = double.NegativeInfinity;
        foreach (double z in logits)
        {
            max = Math.Max(max, z);
        }

        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            result[i] = Math.Exp(logits[i] - max);
            sum += result[i];
        }

        for (int i = 0; i < logits.Length; i++)
        {
            result[i] /= sum;
        }
    }
}
