namespace RefineMemory.Refine;

/// <summary>A retrieved document offered to the judge: its id, its text, and its embedding.</summary>
public sealed record FeedbackCandidate(string Id, string Text, ReadOnlyMemory<float> Vector);
