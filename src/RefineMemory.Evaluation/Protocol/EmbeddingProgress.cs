namespace RefineMemory.Evaluation.Protocol;

/// <summary>How many of the distinct texts of a set have been embedded.</summary>
public readonly record struct EmbeddingProgress(int Done, int Total);
