using Microsoft.Extensions.VectorData;

namespace RefineMemory.Search;

/// <summary>
/// A store whose first search can also say where any record stood in that search's full ranking, so that
/// every refined result gets its rank before refinement, not only those within the first search's depth.
/// <see cref="RefinedVectorSearch{TRecord}"/> uses it when the searched collection implements it (our exact
/// in-process stores do); any other store gives ranks before only within the depth it returned.
/// </summary>
public interface IRankedSearchable<TRecord>
    where TRecord : class
{
    /// <summary>The best <paramref name="top"/> records for <paramref name="query"/>, with their vectors, and a way to place any other.</summary>
    Task<RankedFirstPass<TRecord>> SearchRankedAsync(ReadOnlyMemory<float> query, int top, VectorSearchOptions<TRecord> options, CancellationToken cancellationToken = default);
}

/// <summary>The first search of a <see cref="IRankedSearchable{TRecord}"/>: its best records and the ranking they came from.</summary>
public abstract class RankedFirstPass<TRecord>
    where TRecord : class
{
    /// <param name="results">The best records, best first, with their vectors.</param>
    /// <param name="eligibleCount">The records that passed the filter and were ranked.</param>
    protected RankedFirstPass(IReadOnlyList<VectorSearchResult<TRecord>> results, int eligibleCount)
    {
        ArgumentNullException.ThrowIfNull(results);
        Results = results;
        EligibleCount = eligibleCount;
    }

    /// <summary>The best records, best first.</summary>
    public IReadOnlyList<VectorSearchResult<TRecord>> Results { get; }

    /// <summary>The records that passed the filter and were ranked.</summary>
    public int EligibleCount { get; }

    /// <summary>Full passes over the stored vectors this ranking has cost so far.</summary>
    public abstract int Passes { get; }

    /// <summary>For each key: its score and 1-based rank in this ranking, or <c>(NaN, 0)</c> when the ranking does not hold it.</summary>
    public abstract (double Score, int Rank)[] Locate(IReadOnlyList<string> keys);
}
