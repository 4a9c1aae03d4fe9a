using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Statistics;
using RefineMemory.Metrics;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>Everything one evaluation run measured: per query, and summarised per method.</summary>
public sealed class EvaluationResult
{
    internal EvaluationResult(EvalDataset dataset, IReadOnlyList<string> methods, IReadOnlyList<QueryResult> queries, EvaluationOptions options, TimeSpan elapsed, TimeSpan embeddingTime)
    {
        Dataset = dataset;
        MethodNames = methods;
        Queries = queries;
        Options = options;
        Elapsed = elapsed;
        EmbeddingTime = embeddingTime;
        Summaries = methods.Select(Summarise).ToArray();
    }

    /// <summary>The dataset evaluated.</summary>
    public EvalDataset Dataset { get; }

    /// <summary>The methods that ran, baseline first.</summary>
    public IReadOnlyList<string> MethodNames { get; }

    /// <summary>What was measured for each query.</summary>
    public IReadOnlyList<QueryResult> Queries { get; }

    /// <summary>The options of the run.</summary>
    public EvaluationOptions Options { get; }

    /// <summary>Wall-clock time of embedding and evaluation.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Time spent embedding the dataset (zero when every vector came from the cache).</summary>
    public TimeSpan EmbeddingTime { get; }

    /// <summary>One summary per method, in <see cref="MethodNames"/> order.</summary>
    public IReadOnlyList<MethodSummary> Summaries { get; }

    /// <summary>The summary of <paramref name="method"/> (see <see cref="EvalMethods"/>).</summary>
    public MethodSummary Summary(string method) => Summaries.First(s => s.Method == method);

    /// <summary>Per-query values of a metric for a method, in query order.</summary>
    public double[] Values(string method, Func<MethodMetrics, double> metric) =>
        Queries.Select(q => metric(q.Methods[method])).ToArray();

    private MethodSummary Summarise(string method)
    {
        PairedComparison? Compare(Func<MethodMetrics, double> metric) => method == EvalMethods.Baseline
            ? null
            : PairedBootstrap.Compare(Values(EvalMethods.Baseline, metric), Values(method, metric), Options.BootstrapSamples, Options.BootstrapSeed, Options.Confidence);

        return new MethodSummary(
            method,
            Queries.Count,
            RankingMetrics.MeanIgnoringNaN(Values(method, m => m.AveragePrecision)),
            RankingMetrics.MeanIgnoringNaN(Values(method, m => m.RocAuc)),
            RankingMetrics.MeanIgnoringNaN(Values(method, m => m.Ndcg10)),
            RankingMetrics.MeanIgnoringNaN(Values(method, m => m.Recall10)),
            RankingMetrics.MeanIgnoringNaN(Values(method, m => m.Recall20)),
            Compare(m => m.AveragePrecision),
            Compare(m => m.RocAuc),
            Compare(m => m.Ndcg10))
        {
            JudgeCalls = Queries.Sum(q => (long)q.Costs.GetValueOrDefault(method, JudgeCost.None).Calls),
            Judgements = Queries.Sum(q => (long)q.Costs.GetValueOrDefault(method, JudgeCost.None).Judgements),
        };
    }
}
