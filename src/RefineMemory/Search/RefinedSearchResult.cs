namespace RefineMemory.Search;

/// <summary>The results of one refined search, best first, with its diagnostics.</summary>
public sealed record RefinedSearchResult(
    string Collection,
    string Query,
    string? Instruction,
    IReadOnlyList<RefinedSearchHit> Hits,
    SearchDiagnostics Diagnostics);
