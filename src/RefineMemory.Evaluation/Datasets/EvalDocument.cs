namespace RefineMemory.Evaluation.Datasets;

/// <summary>A document of an evaluation set: its id (unique in the set) and its text.</summary>
public sealed record EvalDocument(string Id, string Text);
