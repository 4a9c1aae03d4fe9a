using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using RefineMemory.Judge;

namespace RefineMemory.Refine;

/// <summary>
/// <see cref="FeedbackStrategy.Rounds"/> and <see cref="FeedbackStrategy.EarlyStop"/>: judge the
/// <see cref="RefinementOptions.FeedbackRoundSize"/> best unjudged candidates, refine the original query on everything
/// judged so far (always from the original, so the angle budget bounds the whole search, not each round), rank the
/// candidates by cosine to the refined query, and go on until <see cref="RefinementOptions.FeedbackCount"/> documents
/// were judged, the judge budget ran out, or (early stop) a round's refinement left the top unchanged. The first round
/// takes the first ranking's order as it came from the store. One instance runs one search.
/// </summary>
internal sealed class FeedbackRounds
{
    private readonly FeedbackRefiner _refiner;
    private readonly RefinementOptions _options;
    private readonly IProgress<JudgeProgress>? _progress;
    private readonly Stopwatch _clock = new();
    private readonly List<int> _picked = [];
    private readonly List<RelevanceJudgment> _judgments = [];
    private readonly List<JudgeDiagnostics> _diagnostics = [];
    private TimeSpan _judgeTime;
    private TimeSpan _optimiseTime;

    public FeedbackRounds(FeedbackRefiner refiner, RefinementOptions options, IProgress<JudgeProgress>? progress) =>
        (_refiner, _options, _progress) = (refiner, options, progress);

    public async Task<FeedbackOutcome> RunAsync(string query, string? instruction, ReadOnlyMemory<float> queryVector, IReadOnlyList<FeedbackCandidate> candidates, CancellationToken cancellationToken)
    {
        _clock.Start();
        int budget = Math.Min(_options.FeedbackCount, candidates.Count);
        int[] order = Enumerable.Range(0, candidates.Count).ToArray();
        var judged = new bool[candidates.Count];
        FeedbackOutcome? outcome = null;
        int rounds = 0;
        bool stoppedEarly = false;
        string? lateNote = null;
        while (_picked.Count < budget)
        {
            int[] round = order.Where(i => !judged[i]).Take(Math.Min(_options.FeedbackRoundSize, budget - _picked.Count)).ToArray();
            var (roundNote, nothingLeft) = await JudgeRoundAsync(query, instruction, candidates, round, cancellationToken).ConfigureAwait(false);
            if (nothingLeft)
            {
                lateNote = roundNote; // the last round's refinement stands
                break;
            }

            foreach (int i in round)
            {
                judged[i] = true;
            }

            rounds++;
            outcome = Refine(queryVector, candidates, roundNote, cancellationToken);
            if (roundNote is not null)
            {
                break;
            }

            if (outcome.Refined)
            {
                int[] next = RankBy(outcome.QueryVector, candidates);
                stoppedEarly = _options.FeedbackStrategy == FeedbackStrategy.EarlyStop && SameTop(order, next, _options.EarlyStopDepth) && _picked.Count < budget;
                order = next;
                if (stoppedEarly)
                {
                    break;
                }
            }
        }

        outcome ??= Refine(queryVector, candidates, null, cancellationToken);
        return outcome.Planned(_picked.ToArray(), rounds, stoppedEarly, _judgeTime, _optimiseTime, lateNote);
    }

    /// <summary>Judges one round within what is left of the judge budget; returns the budget note, if it ran out.</summary>
    private async Task<(string? Note, bool NothingLeft)> JudgeRoundAsync(string query, string? instruction, IReadOnlyList<FeedbackCandidate> candidates, int[] round, CancellationToken cancellationToken)
    {
        var left = _options.JudgeBudget - _clock.Elapsed;
        if (left <= TimeSpan.Zero)
        {
            string seconds = _options.JudgeBudget.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            return (FormattableString.Invariant($"the judge budget of {seconds} s ran out after {_picked.Count} documents, before round {_diagnostics.Count + 1}"), true);
        }

        var roundOptions = _options.Clone();
        roundOptions.JudgeBudget = left;
        var sample = round.Select(i => candidates[i]).ToArray();
        int before = _judgments.Count, failedBefore = _judgments.Count(j => !j.Succeeded);
        var progress = _progress is null ? null : new OffsetProgress(_progress, before, failedBefore, Math.Min(_options.FeedbackCount, candidates.Count), _clock, _options.JudgeBudget);
        var (result, note, time) = await _refiner.JudgeSampleAsync(query, instruction, sample, roundOptions, progress, cancellationToken).ConfigureAwait(false);
        _picked.AddRange(round);
        _judgments.AddRange(result.Judgments);
        _diagnostics.Add(result.Diagnostics);
        _judgeTime += time;
        return (note, false);
    }

    private FeedbackOutcome Refine(ReadOnlyMemory<float> queryVector, IReadOnlyList<FeedbackCandidate> candidates, string? note, CancellationToken cancellationToken)
    {
        var judged = new JudgeResult(_judgments.ToArray(), JudgeDiagnostics.Combine(_diagnostics, _clock.Elapsed));
        var outcome = FeedbackRefiner.RefineOn(queryVector, _picked.Select(i => candidates[i]).ToArray(), judged, note, _judgeTime, _options, cancellationToken);
        _optimiseTime += outcome.OptimiseTime;
        return outcome;
    }

    /// <summary>Candidate indices by descending cosine to <paramref name="vector"/>; ties keep the earlier candidate first.</summary>
    private static int[] RankBy(float[] vector, IReadOnlyList<FeedbackCandidate> candidates)
    {
        var cosines = candidates.Select(c => (double)TensorPrimitives.CosineSimilarity(vector, c.Vector.Span)).ToArray();
        return Enumerable.Range(0, candidates.Count).OrderByDescending(i => cosines[i]).ThenBy(i => i).ToArray();
    }

    private static bool SameTop(int[] before, int[] after, int depth)
    {
        int n = Math.Min(depth, before.Length);
        return before.Take(n).ToHashSet().SetEquals(after.Take(n));
    }

    /// <summary>Reports a round's progress as progress through the whole budget.</summary>
    private sealed class OffsetProgress(IProgress<JudgeProgress> inner, int answered, int failed, int total, Stopwatch clock, TimeSpan budget) : IProgress<JudgeProgress>
    {
        public void Report(JudgeProgress value) =>
            inner.Report(new JudgeProgress(answered + value.Answered, failed + value.Failed, total, clock.Elapsed, budget));
    }
}
