namespace RefineMemory.Evaluation.Reports;

/// <summary>What a report says about how the run was made (the evaluation result knows the rest).</summary>
public sealed record RunInfo(string Embedder, string Judge, string Command, bool JudgeIsOracle);
