namespace RefineMemory.Refine;

/// <summary>Progress of judging one feedback sample: documents answered (scored or failed) against the budget.</summary>
public readonly record struct JudgeProgress(int Answered, int Failed, int Total, TimeSpan Elapsed, TimeSpan Budget);
