namespace RefineMemory.Evaluation.Statistics;

/// <summary>
/// A method against the baseline on the same queries: means, the mean difference and the relative gain
/// (mean method / mean baseline - 1), each with a paired-bootstrap percentile interval.
/// </summary>
public sealed record PairedComparison(
    int Queries,
    double BaselineMean,
    double MethodMean,
    double Difference,
    double DifferenceLow,
    double DifferenceHigh,
    double RelativeGain,
    double RelativeLow,
    double RelativeHigh,
    double ShareNotBetter,
    double Confidence);
