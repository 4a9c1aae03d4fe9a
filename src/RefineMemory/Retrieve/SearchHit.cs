namespace RefineMemory.Retrieve;

/// <summary>One retrieved item: its id and its cosine similarity to the query.</summary>
public readonly record struct SearchHit(string Id, float Score);
