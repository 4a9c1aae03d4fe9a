namespace RefineMemory.Evaluation.Protocol;

/// <summary>Queries evaluated so far, and the last one finished.</summary>
public readonly record struct EvaluationProgress(int Done, int Total, string LastQueryId);
