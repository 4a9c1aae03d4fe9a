using RefineMemory.Judge;

namespace RefineMemory.Tests.Judge;

public sealed class GoldAndSimulatedJudgeTests
{
    private static readonly JudgeDocument[] Docs = Enumerable.Range(0, 400).Select(i => new JudgeDocument($"d{i}", $"text {i}")).ToArray();

    private static GoldJudge Gold(bool withMissing = false) =>
        new((q, id) => withMissing && id == "d0" ? null : int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0 ? 1f : 0f);

    [Fact]
    public async Task Gold_answers_labels_and_a_missing_label_is_a_failure_not_a_zero()
    {
        var result = await Gold(withMissing: true).JudgeAsync(new JudgeRequest("q", Docs[..4]));

        Assert.Equal(JudgeFailureKind.MissingLabel, result.Judgments[0].Failure!.Kind);
        Assert.Equal(new float?[] { null, 0f, 1f, 0f }, result.Judgments.Select(j => j.Score));
        Assert.Equal((3, 1, 0), (result.Diagnostics.Judged, result.Diagnostics.Failed, result.Diagnostics.Calls));
    }

    [Fact]
    public async Task Gold_from_a_table_is_keyed_by_query_and_document()
    {
        var gold = GoldJudge.FromLabels(new Dictionary<(string, string), float> { [("q1", "a")] = 1f });
        var r1 = await gold.JudgeAsync(new JudgeRequest("q1", [new("a", "x")]));
        var r2 = await gold.JudgeAsync(new JudgeRequest("q2", [new("a", "x")]));
        Assert.Equal(1f, r1.Judgments[0].Score);
        Assert.False(r2.Judgments[0].Succeeded);
    }

    [Fact]
    public async Task Without_noise_the_simulated_judge_is_the_gold_judge_and_with_p1_it_is_inverted()
    {
        var request = new JudgeRequest("q", Docs[..50]);
        var gold = await Gold().JudgeAsync(request);
        var same = await new SimulatedJudge(Gold()).JudgeAsync(request);
        var inverted = await new SimulatedJudge(Gold(), flipProbability: 1).JudgeAsync(request);

        Assert.Equal(gold.Judgments.Select(j => j.Score), same.Judgments.Select(j => j.Score));
        Assert.Equal(gold.Judgments.Select(j => 1 - j.Score), inverted.Judgments.Select(j => j.Score));
    }

    [Fact]
    public async Task Flips_happen_at_about_the_requested_rate_and_depend_only_on_seed_and_pair()
    {
        var request = new JudgeRequest("q", Docs);
        var gold = await Gold().JudgeAsync(request);
        var noisy = await new SimulatedJudge(Gold(), flipProbability: 0.3, seed: 5).JudgeAsync(request);
        double rate = gold.Judgments.Zip(noisy.Judgments).Count(p => p.First.Score != p.Second.Score) / (double)Docs.Length;
        Assert.InRange(rate, 0.22, 0.38); // 400 draws: 0.3 +- 4 standard deviations

        // Same seed, reversed order: the same verdict per document.
        var reversed = await new SimulatedJudge(Gold(), flipProbability: 0.3, seed: 5).JudgeAsync(new JudgeRequest("q", Docs.Reverse().ToArray()));
        Assert.Equal(noisy.Judgments.ToDictionary(j => j.DocumentId, j => j.Score), reversed.Judgments.ToDictionary(j => j.DocumentId, j => j.Score));

        var otherSeed = await new SimulatedJudge(Gold(), flipProbability: 0.3, seed: 6).JudgeAsync(request);
        Assert.NotEqual(noisy.Judgments.Select(j => j.Score), otherSeed.Judgments.Select(j => j.Score));
    }

    [Fact]
    public async Task Gaussian_noise_stays_in_the_unit_interval_and_has_about_the_requested_spread()
    {
        var result = await new SimulatedJudge(new GoldJudge((_, _) => 0.5f), noiseStdDev: 0.1, seed: 3).JudgeAsync(new JudgeRequest("q", Docs));
        var scores = result.Judgments.Select(j => (double)j.Score!.Value).ToArray();
        double mean = scores.Average();
        double sd = Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / (scores.Length - 1));

        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        Assert.InRange(mean, 0.48, 0.52);
        Assert.InRange(sd, 0.085, 0.115);
    }

    [Fact]
    public async Task Gold_failures_pass_through_the_simulated_judge()
    {
        var result = await new SimulatedJudge(Gold(withMissing: true), flipProbability: 0.5, noiseStdDev: 0.2).JudgeAsync(new JudgeRequest("q", Docs[..3]));
        Assert.Equal(JudgeFailureKind.MissingLabel, result.Judgments[0].Failure!.Kind);
        Assert.Equal(1, result.Diagnostics.Failed);
    }

    [Theory]
    [InlineData(-0.1, 0)]
    [InlineData(1.1, 0)]
    [InlineData(double.NaN, 0)]
    [InlineData(0, -1)]
    [InlineData(0, double.PositiveInfinity)]
    public void Bad_noise_parameters_are_rejected(double flip, double noise) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedJudge(Gold(), flip, noise));
}
