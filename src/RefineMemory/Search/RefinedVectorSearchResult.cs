namespace RefineMemory.Search;

/// <summary>The refined results of one query, best first, with what each stage did and cost.</summary>
public sealed class RefinedVectorSearchResult<TRecord>
    where TRecord : class
{
    /// <summary>The result of one search for <paramref name="query"/>.</summary>
    public RefinedVectorSearchResult(string query, string? instruction, IReadOnlyList<RefinedVectorSearchHit<TRecord>> hits, SearchDiagnostics diagnostics)
    {
        Query = query;
        Instruction = instruction;
        Hits = hits;
        Diagnostics = diagnostics;
    }

    /// <summary>The query as the caller wrote it.</summary>
    public string Query { get; }

    /// <summary>The instruction the query was embedded with, or <c>null</c>.</summary>
    public string? Instruction { get; }

    /// <summary>The hits, best first.</summary>
    public IReadOnlyList<RefinedVectorSearchHit<TRecord>> Hits { get; }

    /// <summary>Stage times, judged documents and what the refinement did.</summary>
    public SearchDiagnostics Diagnostics { get; }
}

/// <summary>
/// One result: the record, the store's score for the refined query (<see cref="Score"/>) and its 1-based
/// rank among the records that pass the filter (skipped ones counted); the same for the original query
/// (<see cref="ScoreBefore"/>, <see cref="RankBefore"/>), or <c>null</c> when the record was below the
/// depth of the first search, which is all the store told us.
/// </summary>
public sealed record RefinedVectorSearchHit<TRecord>(TRecord Record, double? Score, double? ScoreBefore, int Rank, int? RankBefore)
    where TRecord : class;
