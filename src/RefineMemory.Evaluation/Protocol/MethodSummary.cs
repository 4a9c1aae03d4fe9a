using RefineMemory.Evaluation.Statistics;

namespace RefineMemory.Evaluation.Protocol;

/// <summary>The means of one method over the evaluated queries, and its comparison with the baseline.</summary>
public sealed record MethodSummary(
    string Method,
    int Queries,
    double Map,
    double Auc,
    double Ndcg10,
    double Recall10,
    double Recall20,
    PairedComparison? MapVersusBaseline,
    PairedComparison? AucVersusBaseline,
    PairedComparison? Ndcg10VersusBaseline)
{
    /// <summary>Calls to a model judge the method made over all queries (<see cref="JudgeCost.Calls"/>).</summary>
    public long JudgeCalls { get; init; }

    /// <summary>Documents judged for the method over all queries (<see cref="JudgeCost.Judgements"/>).</summary>
    public long Judgements { get; init; }
}
