namespace RefineMemory.Judge;

/// <summary>One candidate token and its log probability.</summary>
public sealed record TokenLogprob(string Token, double Logprob);

/// <summary>A generated token, its log probability and the most likely alternatives at its position.</summary>
public sealed record GeneratedTokenLogprobs(string Token, double Logprob, IReadOnlyList<TokenLogprob> TopAlternatives);
