using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using RefineMemory.Diagnostics;
using RefineMemory.Judge;

namespace RefineMemory.Refine;

/// <summary>
/// Steps 2 and 3 of a refined search: judge a feedback sample within <see cref="RefinementOptions.JudgeBudget"/>,
/// drop the documents the judge could not score (or did not answer in time), and refine the query vector against
/// the rest. With fewer than
/// <see cref="RefinementOptions.MinimumJudged"/> scored documents the query is left unrefined and the
/// outcome says why. Choosing the sample (see <see cref="FeedbackSampler"/>) is the caller's job, because
/// only the caller knows the ranking.
/// </summary>
public sealed class FeedbackRefiner
{
    private readonly IRelevanceJudge _judge;
    private readonly RefinementOptions _options;

    /// <summary>A refiner asking <paramref name="judge"/>, with the feedback and step of <paramref name="options"/>.</summary>
    public FeedbackRefiner(IRelevanceJudge judge, RefinementOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(judge);
        _judge = judge;
        _options = options ?? new RefinementOptions();
        _options.Validate();
    }

    /// <summary>The options in effect.</summary>
    public RefinementOptions Options => _options;

    /// <summary>Judges <paramref name="sample"/> for <paramref name="query"/> and refines <paramref name="queryVector"/>.</summary>
    /// <param name="query">The query text as the user wrote it (the judge sees this).</param>
    /// <param name="instruction">The task instruction (the judge sees this too), or <c>null</c>.</param>
    /// <param name="queryVector">The query embedding to refine.</param>
    /// <param name="sample">The feedback documents; each vector must have the query's dimension.</param>
    /// <param name="options">Per-call settings; <c>null</c> uses the refiner's.</param>
    /// <param name="cancellationToken">Cancels judging and optimisation.</param>
    public Task<FeedbackOutcome> RefineAsync(
        string query,
        string? instruction,
        ReadOnlyMemory<float> queryVector,
        IReadOnlyList<FeedbackCandidate> sample,
        RefinementOptions? options = null,
        CancellationToken cancellationToken = default) =>
        RefineAsync(query, instruction, queryVector, sample, options, null, cancellationToken);

    /// <summary>
    /// Judges <paramref name="sample"/> within <see cref="RefinementOptions.JudgeBudget"/>, reporting each answer
    /// to <paramref name="progress"/>, and refines <paramref name="queryVector"/> on what was judged.
    /// </summary>
    /// <param name="query">The query text as the user wrote it (the judge sees this).</param>
    /// <param name="instruction">The task instruction (the judge sees this too), or <c>null</c>.</param>
    /// <param name="queryVector">The query embedding to refine.</param>
    /// <param name="sample">The feedback documents; each vector must have the query's dimension.</param>
    /// <param name="options">Per-call settings; <c>null</c> uses the refiner's.</param>
    /// <param name="progress">Receives judging progress (from any thread), or <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels judging and optimisation.</param>
    public async Task<FeedbackOutcome> RefineAsync(
        string query,
        string? instruction,
        ReadOnlyMemory<float> queryVector,
        IReadOnlyList<FeedbackCandidate> sample,
        RefinementOptions? options,
        IProgress<JudgeProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        ArgumentNullException.ThrowIfNull(sample);
        options ??= _options;
        options.Validate();
        int d = queryVector.Length;
        if (d == 0)
        {
            throw new ArgumentException("The query vector is empty.", nameof(queryVector));
        }

        foreach (var c in sample)
        {
            if (c.Vector.Length != d)
            {
                throw new DimensionMismatchException($"feedback document '{c.Id}'", d, c.Vector.Length);
            }
        }

        var (judged, note, judgeTime) = await JudgeSampleAsync(query, instruction, sample, options, progress, cancellationToken).ConfigureAwait(false);
        return RefineOn(queryVector, sample, judged, note, judgeTime, options, cancellationToken);
    }

    /// <summary>Judges <paramref name="sample"/> within the options' judge budget; the judgments follow the sample's order.</summary>
    internal async Task<(JudgeResult Judged, string? Note, TimeSpan Time)> JudgeSampleAsync(
        string query, string? instruction, IReadOnlyList<FeedbackCandidate> sample, RefinementOptions options, IProgress<JudgeProgress>? progress, CancellationToken cancellationToken)
    {
        var judgeTimer = Stopwatch.StartNew();
        var documents = sample.Select(c => new JudgeDocument(c.Id, c.Text)).ToArray();
        var (judged, note) = documents.Length == 0
            ? (new JudgeResult([]), null)
            : await JudgeWithinBudgetAsync(new JudgeRequest(query, documents, instruction), options.JudgeBudget, progress, cancellationToken).ConfigureAwait(false);
        judgeTimer.Stop();

        if (judged.Judgments.Count != sample.Count)
        {
            throw new InvalidOperationException($"The judge returned {judged.Judgments.Count} judgments for {sample.Count} documents.");
        }

        for (int i = 0; i < sample.Count; i++)
        {
            // Scores are matched to vectors by position; a judge answering out of order would refine towards the wrong documents.
            if (!string.Equals(judged.Judgments[i].DocumentId, sample[i].Id, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"The judge's judgment {i} is for document '{judged.Judgments[i].DocumentId}' but document {i} of the request is '{sample[i].Id}'; judgments must follow the request's order.");
            }
        }

        return (judged, note, judgeTimer.Elapsed);
    }

    /// <summary>Refines <paramref name="queryVector"/> on the documents of <paramref name="sample"/> that <paramref name="judged"/> scored.</summary>
    internal static FeedbackOutcome RefineOn(
        ReadOnlyMemory<float> queryVector, IReadOnlyList<FeedbackCandidate> sample, JudgeResult judged, string? note, TimeSpan judgeTime, RefinementOptions options, CancellationToken cancellationToken)
    {
        int d = queryVector.Length;
        var kept = new List<int>(sample.Count);
        for (int i = 0; i < sample.Count; i++)
        {
            if (judged.Judgments[i].Succeeded)
            {
                kept.Add(i);
            }
        }

        if (kept.Count < options.MinimumJudged)
        {
            string reason = $"only {kept.Count} of {sample.Count} feedback documents were judged successfully; refinement needs at least {options.MinimumJudged}";
            return new FeedbackOutcome(queryVector.ToArray(), null, judged, note is null ? reason : $"{reason} ({note})", judgeTime, TimeSpan.Zero) { Note = note };
        }

        var vectors = new float[kept.Count * d];
        var scores = new float[kept.Count];
        var ids = new string[kept.Count];
        for (int k = 0; k < kept.Count; k++)
        {
            var c = sample[kept[k]];
            c.Vector.Span.CopyTo(vectors.AsSpan(k * d, d));
            scores[k] = judged.Judgments[kept[k]].Score!.Value;
            ids[k] = c.Id;
        }

        var optimiseTimer = Stopwatch.StartNew();
        RefinementResult refinement;
        try
        {
            using var span = RefineMemoryTelemetry.StartStage(TelemetryStage.Refine);
            refinement = QueryRefiner.Refine(queryVector.Span, vectors, scores, ids, options, cancellationToken);
        }
        catch (RefinementDivergedException ex)
        {
            // A diverged vector is never returned: the search keeps the unrefined ranking and says why.
            return new FeedbackOutcome(queryVector.ToArray(), null, judged, ex.Message, judgeTime, optimiseTimer.Elapsed) { Note = note };
        }

        optimiseTimer.Stop();
        return new FeedbackOutcome(refinement.RefinedQuery, refinement, judged, null, judgeTime, optimiseTimer.Elapsed) { Note = note };
    }

    /// <summary>
    /// Runs the judge under the budget. When it runs out the judge is cancelled (and abandoned, should it ignore
    /// the token); the documents it answered so far keep their judgments, the rest fail as timeouts.
    /// </summary>
    private async Task<(JudgeResult Result, string? Note)> JudgeWithinBudgetAsync(JudgeRequest request, TimeSpan budget, IProgress<JudgeProgress>? progress, CancellationToken cancellationToken)
    {
        using var span = RefineMemoryTelemetry.StartStage(TelemetryStage.Judge);
        span?.SetTag("refinememory.judge.documents", request.Documents.Count);
        var clock = Stopwatch.StartNew();
        var answered = new ConcurrentDictionary<string, RelevanceJudgment>(StringComparer.Ordinal);
        int failed = 0;
        int total = request.Documents.Count;
        var collector = new ImmediateProgress<RelevanceJudgment>(j =>
        {
            if (answered.TryAdd(j.DocumentId, j))
            {
                int f = j.Succeeded ? Volatile.Read(ref failed) : Interlocked.Increment(ref failed);
                progress?.Report(new JudgeProgress(answered.Count, f, total, clock.Elapsed, budget));
            }
        });
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget);
        try
        {
            var judging = _judge.JudgeAsync(new JudgeRequest(request.Query, request.Documents, request.Instruction) { Progress = collector }, deadline.Token);
            var result = await judging.WaitAsync(deadline.Token).ConfigureAwait(false);
            if (answered.Count < total)
            {
                progress?.Report(new JudgeProgress(total, result.Diagnostics.Failed, total, clock.Elapsed, budget));
            }

            return (result, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            string seconds = budget.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            var judgments = request.Documents
                .Select(d => answered.TryGetValue(d.Id, out var j) ? j : RelevanceJudgment.Failed(d.Id, JudgeFailureKind.Timeout, $"not judged within the judge budget of {seconds} s"))
                .ToArray();
            var result = new JudgeResult(judgments, JudgeDiagnostics.Summarise(judgments, clock.Elapsed));
            string note = FormattableString.Invariant($"the judge budget of {seconds} s ran out with {answered.Count} of {total} documents answered");
            return (result, note);
        }
    }

    /// <summary>An <see cref="IProgress{T}"/> that runs its handler at once on the reporting thread (no synchronisation context).</summary>
    private sealed class ImmediateProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}
