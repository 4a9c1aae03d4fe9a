using System.Diagnostics;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Judge;
using RefineMemory.Metrics;
using RefineMemory.Refine;
using RefineMemory.Rescore;
using RefineMemory.Retrieve;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>
/// The paper's protocol, one query at a time: rank the query's pool by cosine (baseline); let the judge score the
/// feedback sample (default: the top 20); refine the query vector against the judgments and re-rank the whole pool
/// (refined); move the judged documents to the top by judge score (rerank-only, <see cref="RerankOnly"/>); optionally rank by a HyDE
/// vector. Every ranking is scored with AP, ROC-AUC, nDCG@10 and recall@10/20 against the pool's labels.
/// </summary>
public sealed class EvaluationRunner
{
    private readonly Func<EvalQuery, IRelevanceJudge> _judgeFor;
    private readonly EvaluationOptions _options;
    private readonly HydeVectorSource? _hyde;

    /// <param name="judgeFor">The judge of a query (gold and simulated judges need the query's labels).</param>
    /// <param name="options">Run settings; default the paper's.</param>
    /// <param name="hyde">The HyDE vector source, or <c>null</c> to leave HyDE out.</param>
    public EvaluationRunner(Func<EvalQuery, IRelevanceJudge> judgeFor, EvaluationOptions? options = null, HydeVectorSource? hyde = null)
    {
        ArgumentNullException.ThrowIfNull(judgeFor);
        _judgeFor = judgeFor;
        _options = options ?? new EvaluationOptions();
        _options.Refinement.Validate();
        foreach (var (name, alternative) in _options.AlternativeRefinements)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            alternative.Validate();
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxDegreeOfParallelism, 1);
        _hyde = hyde;
    }

    /// <summary>The options every query is evaluated with.</summary>
    public EvaluationOptions Options => _options;

    /// <summary>Evaluates every query of <paramref name="dataset"/> over its <paramref name="embeddings"/>, reporting to <paramref name="progress"/>.</summary>
    public async Task<EvaluationResult> RunAsync(
        EvalDataset dataset,
        DatasetEmbeddings embeddings,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Queries.Length != dataset.Queries.Count * embeddings.Dimension)
        {
            throw new ArgumentException($"The embeddings hold {embeddings.Queries.Length / Math.Max(1, embeddings.Dimension)} queries; the set has {dataset.Queries.Count}.", nameof(embeddings));
        }

        var timer = Stopwatch.StartNew();
        var results = new QueryResult[dataset.Queries.Count];
        int done = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, dataset.Queries.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
            async (q, ct) =>
            {
                results[q] = await EvaluateQueryAsync(dataset, embeddings, q, ct).ConfigureAwait(false);
                int n = Interlocked.Increment(ref done);
                progress?.Report(new EvaluationProgress(n, results.Length, dataset.Queries[q].Id));
            }).ConfigureAwait(false);

        var methods = new List<string> { EvalMethods.Baseline, EvalMethods.Refined };
        methods.AddRange(_options.AlternativeRefinements.Select(a => EvalMethods.RefinedWith(a.Name)));
        if (_options.IncludeRerank)
        {
            methods.Add(EvalMethods.Rerank);
        }

        if (_hyde is not null)
        {
            methods.Add(EvalMethods.Hyde);
        }

        return new EvaluationResult(dataset, methods, results, _options, timer.Elapsed + embeddings.Elapsed, embeddings.Elapsed);
    }

    private async Task<QueryResult> EvaluateQueryAsync(EvalDataset dataset, DatasetEmbeddings embeddings, int queryIndex, CancellationToken ct)
    {
        var query = dataset.Queries[queryIndex];
        int n = query.Pool.Count;
        var labels = query.Labels.ToArray();
        var queryVector = embeddings.Query(queryIndex);

        // Each query is one search of the shipped pipeline over its pool; each query samples with its own seed.
        var pool = new PoolSearch(dataset, embeddings, query);
        var ranking = await pool.RankAsync(query, queryVector, _judgeFor(query), Seeded(_options.Refinement, queryIndex), ct).ConfigureAwait(false);
        var baseline = ranking.Before;
        var refined = ranking.After;
        var search = ranking.Diagnostics;
        int[] order = RankingMetrics.SortDescending(baseline);

        var cost = new JudgeCost(search.Judge?.Calls ?? 0, search.Judged.Count);
        var methods = new Dictionary<string, MethodMetrics>(StringComparer.Ordinal)
        {
            [EvalMethods.Baseline] = MethodMetrics.Of(baseline, labels),
            [EvalMethods.Refined] = MethodMetrics.Of(refined, labels),
        };
        var costs = new Dictionary<string, JudgeCost>(StringComparer.Ordinal) { [EvalMethods.Refined] = cost };
        var judgments = PoolSearch.Judgments(search);
        foreach (var (name, alternative) in _options.AlternativeRefinements)
        {
            string method = EvalMethods.RefinedWith(name);
            (methods[method], costs[method]) = await AlternativeAsync(pool, query, queryVector, queryIndex, alternative, judgments, cost, labels, ct).ConfigureAwait(false);
        }

        if (_options.IncludeRerank)
        {
            methods[EvalMethods.Rerank] = MethodMetrics.Of(RerankScores(dataset, query, order, baseline, judgments.Judgments), labels);
            costs[EvalMethods.Rerank] = cost; // rerank-only orders the refined search's judgments: it costs what they cost
        }

        TimeSpan hydeTime = TimeSpan.Zero;
        if (_hyde is not null)
        {
            var hydeTimer = Stopwatch.StartNew();
            var hydeVector = (await _hyde(query.Text, query.Instruction, ct).ConfigureAwait(false)).ToArray();
            hydeTime = hydeTimer.Elapsed;
            if (hydeVector.Length != embeddings.Dimension)
            {
                throw new DimensionMismatchException("HyDE query vector", embeddings.Dimension, hydeVector.Length);
            }

            // HyDE's ranking is the pipeline's plain search with the hypothetical document's vector.
            var hydeRanking = await pool.RankAsync(query, hydeVector, _judgeFor(query), Seeded(_options.Refinement, queryIndex), ct, refine: false).ConfigureAwait(false);
            methods[EvalMethods.Hyde] = MethodMetrics.Of(hydeRanking.After, labels);
        }

        var loss = search.Step is { } step ? search.Loss.Append(step.FinalLoss).ToArray() : [];
        int[] refinedOrder = RankingMetrics.SortDescending(refined);
        return new QueryResult
        {
            QueryId = query.Id,
            Query = query.Text,
            PoolSize = n,
            Positives = query.PositiveCount,
            Methods = methods,
            Costs = costs,
            Refined = search.Refined,
            SkippedReason = search.SkippedReason,
            FeedbackDocuments = search.Judged.Count,
            JudgeFailures = search.Judge?.Failed ?? 0,
            JudgeCalls = search.Judge?.Calls ?? 0,
            FeedbackRounds = search.FeedbackRounds,
            StoppedEarly = search.StoppedEarly,
            JudgeTime = search.JudgeTime,
            OptimiseTime = search.OptimiseTime,
            HydeTime = hydeTime,
            Loss = loss,
            TopBefore = order.Take(10).Select(p => query.Pool[p]).ToArray(),
            TopAfter = refinedOrder.Take(10).Select(p => query.Pool[p]).ToArray(),
            FirstRelevantBefore = FirstRelevant(order, labels),
            FirstRelevantAfter = FirstRelevant(refinedOrder, labels),
        };
    }

    /// <summary>
    /// The rerank-only baseline (<see cref="RerankOnly"/>): judged documents first by judge score, then the failed
    /// ones, then the rest in cosine order; turned into descending scores for the metrics.
    /// </summary>
    private static float[] RerankScores(EvalDataset dataset, EvalQuery query, int[] order, float[] cosines, IReadOnlyList<RelevanceJudgment> judgments)
    {
        var ranked = order.Select(p => new SearchHit(dataset.Documents[query.Pool[p]].Id, cosines[p])).ToArray();
        var positionOf = new Dictionary<string, int>(order.Length, StringComparer.Ordinal);
        for (int p = 0; p < query.Pool.Count; p++)
        {
            positionOf[dataset.Documents[query.Pool[p]].Id] = p;
        }

        var reranked = RerankOnly.Rerank(ranked, judgments);
        var scores = new float[order.Length];
        for (int r = 0; r < reranked.Count; r++)
        {
            scores[positionOf[reranked[r].Id]] = reranked.Count - r;
        }

        return scores;
    }

    /// <summary>
    /// Another refinement setting on the same query. With the top strategy on both sides the judgments are replayed, so
    /// only the refinement differs and the method costs what the judgments cost; a strategy that chooses its own
    /// documents asks the judge itself, and its own calls are counted.
    /// </summary>
    private async Task<(MethodMetrics Metrics, JudgeCost Cost)> AlternativeAsync(
        PoolSearch pool, EvalQuery query, ReadOnlyMemory<float> queryVector, int queryIndex, RefinementOptions alternative, JudgeResult judgments, JudgeCost cost, float[] labels, CancellationToken ct)
    {
        bool replay = alternative.FeedbackStrategy == FeedbackStrategy.Top && _options.Refinement.FeedbackStrategy == FeedbackStrategy.Top;
        var judge = replay ? new RecordedJudge(judgments) : _judgeFor(query);
        var other = await pool.RankAsync(query, queryVector, judge, Seeded(alternative, queryIndex), ct).ConfigureAwait(false);
        return (MethodMetrics.Of(other.After, labels), replay ? cost : new JudgeCost(other.Diagnostics.Judge?.Calls ?? 0, other.Diagnostics.Judged.Count));
    }

    private static RefinementOptions Seeded(RefinementOptions options, int queryIndex)
    {
        var seeded = options.Clone();
        seeded.Seed = options.Seed + queryIndex;
        return seeded;
    }

    private static int FirstRelevant(int[] order, float[] labels)
    {
        for (int r = 0; r < order.Length; r++)
        {
            if (labels[order[r]] > 0)
            {
                return r + 1;
            }
        }

        return 0;
    }
}
