using RefineMemory.Judge;
using RefineMemory.Refine;

namespace RefineMemory.Tests.Refine;

/// <summary>
/// The feedback strategies over a hand-made pool in 4 dimensions. The query is e1; "y" documents (relevant) lean
/// towards e2, "z" documents (irrelevant) towards e3, "w" ones (irrelevant, far) towards e4. Pool order is the first
/// ranking (descending cosine).
/// </summary>
public sealed class FeedbackStrategyTests
{
    private static readonly float[] Query = [1, 0, 0, 0];

    private static FeedbackCandidate Doc(string id, int axis, double angle) =>
        new(id, "text of " + id, Vector(axis, angle));

    private static float[] Vector(int axis, double angle)
    {
        var v = new float[4];
        v[0] = (float)Math.Cos(angle);
        v[axis] = (float)Math.Sin(angle);
        return v;
    }

    /// <summary>Positions 0-2 relevant, 3-4 and 5-9 irrelevant, 10-14 relevant but ranked below them, then 25 far ones.</summary>
    private static FeedbackCandidate[] HardPool() =>
    [
        .. Enumerable.Range(0, 3).Select(i => Doc($"y{i}", 1, 0.20 + (0.01 * i))),
        .. Enumerable.Range(3, 2).Select(i => Doc($"z{i}", 2, 0.20 + (0.01 * i))),
        .. Enumerable.Range(5, 5).Select(i => Doc($"z{i}", 2, 0.30 + (0.01 * (i - 5)))),
        .. Enumerable.Range(10, 5).Select(i => Doc($"y{i}", 1, 0.35 + (0.01 * (i - 10)))),
        .. Enumerable.Range(15, 25).Select(i => Doc($"w{i}", 3, 0.8 + (0.01 * (i - 15)))),
    ];

    /// <summary>The ten best are the relevant ones, far from the rest: the first ranking is already right.</summary>
    private static FeedbackCandidate[] EasyPool() =>
    [
        .. Enumerable.Range(0, 10).Select(i => Doc($"y{i}", 1, 0.10 + (0.01 * i))),
        .. Enumerable.Range(10, 30).Select(i => Doc($"w{i}", 3, 0.9 + (0.01 * (i - 10)))),
    ];

    private static RefinementOptions Options(FeedbackStrategy strategy, int budget) => new()
    {
        FeedbackStrategy = strategy,
        FeedbackCount = budget,
        FeedbackFromTop = budget,
    };

    private static Task<FeedbackOutcome> RunAsync(IRelevanceJudge judge, FeedbackCandidate[] pool, RefinementOptions options) =>
        FeedbackPlan.RunAsync(new FeedbackRefiner(judge, options), "q", null, Query, pool, options, null, CancellationToken.None);

    [Fact]
    public async Task Top_is_the_refiner_on_the_samplers_positions_bit_for_bit()
    {
        var pool = HardPool();
        var options = Options(FeedbackStrategy.Top, 10);
        var judge = new CountingJudge();
        int[] positions = FeedbackPlan.Candidates(pool.Length, options);
        var sample = positions.Select(p => pool[p]).ToArray();

        var planned = await RunAsync(judge, sample, options);
        var direct = await new FeedbackRefiner(judge, options).RefineAsync("q", null, Query, sample, options);

        Assert.Equal(FeedbackSampler.Select(pool.Length, 10, 10, options.Seed), positions);
        Assert.Equal(direct.QueryVector, planned.QueryVector);
        Assert.Null(planned.Selected);
        Assert.Equal(1, planned.Rounds);
        Assert.False(FeedbackPlan.NeedsDepth(options));
        Assert.True(FeedbackPlan.NeedsDepth(Options(FeedbackStrategy.Rounds, 10)));
    }

    [Fact]
    public async Task Rounds_judge_the_refined_rankings_next_documents_and_reach_relevant_ones_the_first_ranking_placed_too_low()
    {
        var pool = HardPool();
        var judge = new CountingJudge();

        var rounds = await RunAsync(judge, pool, Options(FeedbackStrategy.Rounds, 10));

        Assert.True(rounds.Refined, rounds.SkippedReason);
        Assert.Equal(2, rounds.Rounds);
        Assert.Equal([5, 5], judge.RequestSizes);
        Assert.Equal([0, 1, 2, 3, 4], rounds.Selected!.Take(5));
        // The second round follows the refined query towards the relevant y documents, past the z ones at 5-9.
        Assert.Equal([10, 11, 12, 13, 14], rounds.Selected!.Skip(5).Order());
        Assert.Equal(rounds.Selected!.Select(i => pool[i].Id), rounds.Judgments.Judgments.Select(j => j.DocumentId));
        Assert.Equal((10, 2), (rounds.Judgments.Diagnostics.Judged, rounds.Judgments.Diagnostics.Calls));
        Assert.Equal(10, rounds.Refinement!.Judged.Count);
    }

    [Fact]
    public async Task Early_stop_spends_one_round_when_the_judge_agrees_with_the_ranking_and_goes_on_when_it_does_not()
    {
        var easyJudge = new CountingJudge();
        var easy = await RunAsync(easyJudge, EasyPool(), Options(FeedbackStrategy.EarlyStop, 20));
        var hardJudge = new CountingJudge();
        var hard = await RunAsync(hardJudge, HardPool(), Options(FeedbackStrategy.EarlyStop, 20));

        Assert.True(easy.StoppedEarly);
        Assert.Equal((1, 5), (easy.Rounds, easy.Selected!.Count));
        Assert.True(easy.Refined, easy.SkippedReason);
        Assert.Single(easyJudge.RequestSizes);
        Assert.True(hard.Rounds > 1, $"{hard.Rounds} rounds");
        Assert.True(hard.Selected!.Count > 5);
    }

    [Fact]
    public async Task Diverse_spreads_the_judged_documents_over_near_duplicates_and_is_top_without_weight()
    {
        // Ten near-copies of one document, then four documents in four other directions.
        FeedbackCandidate[] pool =
        [
            .. Enumerable.Range(0, 10).Select(i => Doc($"y{i}", 1, 0.10 + (0.001 * i))),
            Doc("z10", 2, 0.3), Doc("z11", 3, 0.3), Doc("z12", 2, -0.3), Doc("z13", 3, -0.3),
        ];
        var spread = Options(FeedbackStrategy.Diverse, 5);
        spread.DiversityWeight = 0.5;
        var plain = Options(FeedbackStrategy.Diverse, 5);
        plain.DiversityWeight = 0;

        var diverse = await RunAsync(new CountingJudge(), pool, spread);
        var top = await RunAsync(new CountingJudge(), pool, plain);

        Assert.Equal(5, diverse.Selected!.Count);
        Assert.Contains(0, diverse.Selected);
        Assert.Equal([0, 10, 11, 12, 13], diverse.Selected);
        Assert.Equal([0, 1, 2, 3, 4], top.Selected);
    }

    [Fact]
    public async Task A_failed_judgement_in_a_round_leaves_the_feedback_set_and_stays_reported()
    {
        var judge = new CountingJudge { FailIds = ["y1", "y11"] };

        var outcome = await RunAsync(judge, HardPool(), Options(FeedbackStrategy.Rounds, 15));

        var failed = outcome.Judgments.Judgments.Where(j => !j.Succeeded).Select(j => j.DocumentId).ToArray();
        Assert.Contains("y1", failed);
        Assert.DoesNotContain(outcome.Refinement!.Judged, j => failed.Contains(j.Id));
        Assert.Equal(15, outcome.Judgments.Judgments.Count);
        Assert.Equal(outcome.Judgments.Judgments.Count - failed.Length, outcome.Refinement.Judged.Count);
    }

    [Fact]
    public async Task Progress_counts_through_the_whole_budget_across_rounds()
    {
        var options = Options(FeedbackStrategy.Rounds, 10);
        var reports = new List<JudgeProgress>();
        var progress = new Collect(reports);

        await FeedbackPlan.RunAsync(new FeedbackRefiner(new CountingJudge(), options), "q", null, Query, HardPool(), options, progress, CancellationToken.None);

        Assert.All(reports, r => Assert.Equal(10, r.Total));
        Assert.Equal([5, 10], reports.Select(r => r.Answered));
    }

    [Fact]
    public async Task When_the_judge_budget_runs_out_in_a_later_round_the_earlier_judgements_still_refine_and_the_outcome_says_so()
    {
        var options = Options(FeedbackStrategy.Rounds, 10);
        options.JudgeBudget = TimeSpan.FromMilliseconds(300);
        var judge = new CountingJudge { HangAfter = 1 };

        var outcome = await RunAsync(judge, HardPool(), options);

        Assert.True(outcome.Refined, outcome.SkippedReason);
        Assert.Contains("judge budget", outcome.Note, StringComparison.Ordinal);
        Assert.Equal(10, outcome.Judgments.Judgments.Count);
        Assert.Equal(5, outcome.Judgments.Judgments.Count(j => j.Failure?.Kind == JudgeFailureKind.Timeout));
        Assert.Equal(5, outcome.Refinement!.Judged.Count);
    }

    private sealed class Collect(List<JudgeProgress> reports) : IProgress<JudgeProgress>
    {
        public void Report(JudgeProgress value) => reports.Add(value);
    }

    [Fact]
    public void Strategy_names_parse_both_ways_and_options_are_validated()
    {
        foreach (string name in FeedbackStrategyNames.All)
        {
            Assert.True(FeedbackStrategyNames.TryParse(name.ToUpperInvariant(), out var strategy));
            Assert.Equal(name, FeedbackStrategyNames.Of(strategy));
        }

        Assert.False(FeedbackStrategyNames.TryParse("best", out _));
        Assert.Equal(FeedbackStrategy.Top, new RefinementOptions().FeedbackStrategy);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefinementOptions { FeedbackRoundSize = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefinementOptions { DiversityWeight = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefinementOptions { FeedbackStrategy = (FeedbackStrategy)9 }.Validate());
    }

    /// <summary>Gold labels from the id ("y" relevant), one model call per request, optional failures.</summary>
    private sealed class CountingJudge : IRelevanceJudge
    {
        public List<int> RequestSizes { get; } = [];

        public HashSet<string> FailIds { get; init; } = [];

        /// <summary>Requests answered before every later one hangs until cancelled; default never.</summary>
        public int HangAfter { get; init; } = int.MaxValue;

        public async Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
        {
            RequestSizes.Add(request.Documents.Count);
            if (RequestSizes.Count > HangAfter)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            var judgments = request.Documents.Select(d => FailIds.Contains(d.Id)
                ? RelevanceJudgment.Failed(d.Id, JudgeFailureKind.ServerError, "scripted")
                : RelevanceJudgment.Scored(d.Id, d.Id.StartsWith('y') ? 1f : 0f)).ToArray();
            var counts = JudgeDiagnostics.Summarise(judgments);
            return new JudgeResult(judgments, new JudgeDiagnostics
            {
                Judged = counts.Judged, Failed = counts.Failed, FailuresByKind = counts.FailuresByKind, Calls = 1,
            });
        }
    }
}
