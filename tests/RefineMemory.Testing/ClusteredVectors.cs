namespace RefineMemory.Testing;

/// <summary>
/// Seeded synthetic embeddings with cluster structure, like a real corpus's: random unit centres, each point its
/// centre plus Gaussian noise of a per-cluster spread (cosine to its centre about 0.55 to 0.9), normalised.
/// Queries drawn the same way land near some cluster, so their nearest neighbours are close and crowded,
/// the hard case for approximate scans.
/// </summary>
public sealed class ClusteredVectors
{
    private readonly float[] _centres;
    private readonly float[] _spreads;
    private readonly Random _rng;

    public ClusteredVectors(int dimension, int clusters, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        Dimension = dimension;
        _rng = new Random(seed);
        _centres = new float[clusters * dimension];
        _spreads = new float[clusters];
        for (int c = 0; c < clusters; c++)
        {
            var centre = _centres.AsSpan(c * dimension, dimension);
            FillGaussian(centre, 1f);
            Normalise(centre);
            _spreads[c] = 0.5f + (float)_rng.NextDouble();
        }
    }

    public int Dimension { get; }

    /// <summary>Writes the next point into <paramref name="destination"/> (unit length).</summary>
    public void Next(Span<float> destination)
    {
        int c = _rng.Next(_spreads.Length);
        FillGaussian(destination, _spreads[c] / MathF.Sqrt(Dimension));
        var centre = _centres.AsSpan(c * Dimension, Dimension);
        for (int j = 0; j < destination.Length; j++)
        {
            destination[j] += centre[j];
        }

        Normalise(destination);
    }

    /// <summary>The next <paramref name="count"/> points, row-major.</summary>
    public float[] Take(int count)
    {
        var rows = new float[(long)count * Dimension];
        for (int i = 0; i < count; i++)
        {
            Next(rows.AsSpan(i * Dimension, Dimension));
        }

        return rows;
    }

    private void FillGaussian(Span<float> destination, float sigma)
    {
        for (int j = 0; j < destination.Length; j++)
        {
            // Box-Muller; 1 - NextDouble() keeps the logarithm's argument above zero.
            double u = 1 - _rng.NextDouble(), v = _rng.NextDouble();
            destination[j] = sigma * (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
        }
    }

    private static void Normalise(Span<float> v) =>
        System.Numerics.Tensors.TensorPrimitives.Divide(v, System.Numerics.Tensors.TensorPrimitives.Norm(v), v);
}
