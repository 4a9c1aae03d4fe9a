namespace RefineMemory.Judge;

/// <summary>
/// A noisy judge built from gold labels, for robustness studies: each label is flipped (1 - label) with
/// probability <see cref="FlipProbability"/>, then Gaussian noise of deviation <see cref="NoiseStdDev"/> is
/// added and the result clamped to [0, 1]. The noise of a (query, document) pair depends only on the seed
/// and the pair, so results do not depend on call order or parallelism.
/// </summary>
public sealed class SimulatedJudge : IRelevanceJudge
{
    private readonly IRelevanceJudge _gold;

    /// <summary>Takes <paramref name="gold"/>'s labels, flips each with <paramref name="flipProbability"/> and adds Gaussian noise of <paramref name="noiseStdDev"/>, reproducibly for <paramref name="seed"/>.</summary>
    public SimulatedJudge(IRelevanceJudge gold, double flipProbability = 0, double noiseStdDev = 0, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(gold);
        if (!(flipProbability >= 0 && flipProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(flipProbability), flipProbability, "The flip probability must be in [0, 1].");
        }

        if (!(noiseStdDev >= 0) || !double.IsFinite(noiseStdDev))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseStdDev), noiseStdDev, "The noise deviation must be a non-negative finite number.");
        }

        _gold = gold;
        FlipProbability = flipProbability;
        NoiseStdDev = noiseStdDev;
        Seed = seed;
    }

    /// <summary>Probability that a label is flipped.</summary>
    public double FlipProbability { get; }

    /// <summary>Standard deviation of the noise added to each score.</summary>
    public double NoiseStdDev { get; }

    /// <summary>Seed of the flips and noise.</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public async Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        var gold = await _gold.JudgeAsync(request, cancellationToken).ConfigureAwait(false);
        var judgments = new RelevanceJudgment[gold.Judgments.Count];
        for (int i = 0; i < judgments.Length; i++)
        {
            var g = gold.Judgments[i];
            judgments[i] = g.Succeeded ? RelevanceJudgment.Scored(g.DocumentId, Perturb(request.Query, g.DocumentId, g.Score!.Value)) : g;
        }

        return new JudgeResult(judgments);
    }

    private float Perturb(string query, string documentId, float label)
    {
        var rng = new Random(StableHash.Combine(Seed, StableHash.Of(query), StableHash.Of(documentId)));
        double score = label;
        if (rng.NextDouble() < FlipProbability)
        {
            score = 1 - score;
        }

        if (NoiseStdDev > 0)
        {
            // Box-Muller.
            double u1 = 1.0 - rng.NextDouble();
            double u2 = rng.NextDouble();
            score += NoiseStdDev * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            score = Math.Clamp(score, 0, 1);
        }

        return (float)score;
    }
}
