using RefineMemory.Metrics;

namespace RefineMemory.Tests.Metrics;

public sealed class CutoffMetricsTests
{
    private static readonly float[] Scores = [0.9f, 0.8f, 0.7f, 0.6f, 0.5f];
    private static readonly float[] Labels = [0, 1, 0, 1, 1];

    [Fact]
    public void Precision_and_recall_at_k_count_relevant_documents_in_the_top_k()
    {
        Assert.Equal(0.5, RankingMetrics.PrecisionAtK(Scores, Labels, 2));
        Assert.Equal(1.0 / 3, RankingMetrics.RecallAtK(Scores, Labels, 2), 12);
        Assert.Equal(1.0, RankingMetrics.RecallAtK(Scores, Labels, 10));
        Assert.Equal(0.3, RankingMetrics.PrecisionAtK(Scores, Labels, 10), 12);
    }

    [Fact]
    public void Reciprocal_rank_is_one_over_the_first_relevant_rank()
    {
        Assert.Equal(0.5, RankingMetrics.ReciprocalRank(Scores, Labels));
        Assert.Equal(0, RankingMetrics.ReciprocalRank(Scores, [0, 0, 0, 0, 0]));
    }

    [Fact]
    public void Ties_rank_by_input_position()
    {
        Assert.Equal(1.0, RankingMetrics.ReciprocalRank([0.5f, 0.5f], [1, 0]));
        Assert.Equal(0.5, RankingMetrics.ReciprocalRank([0.5f, 0.5f], [0, 1]));
    }

    [Fact]
    public void Mismatched_or_bad_input_is_rejected()
    {
        Assert.Throws<DimensionMismatchException>(() => RankingMetrics.AveragePrecision([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => RankingMetrics.AveragePrecision([], []));
        Assert.Throws<ArgumentException>(() => RankingMetrics.RocAuc([float.NaN, 1], [0, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RankingMetrics.Ndcg([1, 2], [0, 1], 0));
    }

    [Fact]
    public void Mean_ignores_undefined_values()
    {
        Assert.Equal(0.5, RankingMetrics.MeanIgnoringNaN([0.25, double.NaN, 0.75]));
        Assert.True(double.IsNaN(RankingMetrics.MeanIgnoringNaN([double.NaN])));
    }
}
