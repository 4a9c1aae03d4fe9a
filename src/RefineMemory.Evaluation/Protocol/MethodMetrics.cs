using RefineMemory.Metrics;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>The metrics of one ranking of one query's pool.</summary>
public sealed record MethodMetrics(double AveragePrecision, double RocAuc, double Ndcg10, double Recall10, double Recall20)
{
    /// <summary>Calls to a model judge this ranking needed for the query (0 for the baseline and for judges that call no model).</summary>
    public int JudgeCalls { get; init; }

    /// <summary>Documents judged (scored or failed) for this ranking of the query.</summary>
    public int Judgements { get; init; }

    /// <summary>Scores a ranking (higher score ranks first) against the pool's labels.</summary>
    public static MethodMetrics Of(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels) => new(
        RankingMetrics.AveragePrecision(scores, labels),
        RankingMetrics.RocAuc(scores, labels),
        RankingMetrics.Ndcg(scores, labels, 10),
        RankingMetrics.RecallAtK(scores, labels, 10),
        RankingMetrics.RecallAtK(scores, labels, 20));
}
