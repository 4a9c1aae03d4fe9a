using System.Numerics.Tensors;

namespace RefineMemory.Postgres.Scale;

/// <summary>
/// A data set for the scale runs: unit vectors with a group each (synthetic cluster or CLINC150 intent), and
/// queries with the group they are about; the judge scores a document 1 when its group is the query's (an oracle).
/// </summary>
public sealed record ScaleData(string Name, float[][] Vectors, int[] Groups, float[][] Queries, int[] QueryGroups)
{
    public int Dimension => (Vectors.Length > 0 ? Vectors[0] : Queries[0]).Length;

    /// <summary>
    /// <paramref name="count"/> points around <paramref name="clusters"/> random centres (noise of norm ~0.9 against
    /// a unit centre: clusters overlap, as real embeddings do), normalised; queries drawn the same way. Without
    /// <paramref name="keepVectors"/> the points are drawn (the random sequence, hence the queries, stay the same)
    /// and dropped: the groups and queries of a large set, for a process that must not hold its vectors.
    /// </summary>
    public static ScaleData Clustered(int count, int dimension, int clusters, int queries, int seed = 42, bool keepVectors = true)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, clusters).Select(_ => Unit(Gaussian(random, dimension, 1f))).ToArray();
        float spread = 0.9f / MathF.Sqrt(dimension);
        float[] Point(int cluster)
        {
            var noise = Gaussian(random, dimension, spread);
            TensorPrimitives.Add(noise, centres[cluster], noise);
            return Unit(noise);
        }

        var groups = Enumerable.Range(0, count).Select(_ => random.Next(clusters)).ToArray();
        float[][] vectors;
        if (keepVectors)
        {
            vectors = groups.Select(Point).ToArray();
        }
        else
        {
            foreach (int g in groups)
            {
                _ = Point(g);
            }

            vectors = [];
        }

        var queryGroups = Enumerable.Range(0, queries).Select(_ => random.Next(clusters)).ToArray();
        return new ScaleData($"synthetic {count:N0} x {dimension}, {clusters} clusters", vectors, groups, queryGroups.Select(Point).ToArray(), queryGroups);
    }

    private static float[] Gaussian(Random random, int dimension, float sigma)
    {
        var v = new float[dimension];
        for (int i = 0; i < dimension; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            v[i] = sigma * (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return v;
    }

    public static float[] Unit(float[] v)
    {
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }
}
