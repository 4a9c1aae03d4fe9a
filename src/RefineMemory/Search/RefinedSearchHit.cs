namespace RefineMemory.Search;

/// <summary>
/// One result: the chunk, its cosine to the refined query (<see cref="Score"/>) and to the original one
/// (<see cref="ScoreBefore"/>), and its 1-based rank after and before refinement among the chunks that pass the filter;
/// the two before are <c>null</c> when the chunk was below the first search's depth in a store that does not keep the
/// whole first ranking (PostgreSQL searched in the server).
/// </summary>
public sealed record RefinedSearchHit(
    string Id,
    string DocumentId,
    string Text,
    string? Source,
    IReadOnlyDictionary<string, string> Metadata,
    float Score,
    float? ScoreBefore,
    int Rank,
    int? RankBefore);
