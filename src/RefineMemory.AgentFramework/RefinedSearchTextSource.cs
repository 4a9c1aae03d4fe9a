using Microsoft.Agents.AI;
using RefineMemory.Search;

namespace RefineMemory.AgentFramework;

/// <summary>
/// Refined search as the search function of MAF's <see cref="TextSearchProvider"/> (retrieval before each model call,
/// or as an on-demand tool): each result carries its text, a source name (document or record key), a link when
/// there is one, and the refined hit itself as <see cref="TextSearchProvider.TextSearchResult.RawRepresentation"/>.
/// </summary>
public static class RefinedSearchTextSource
{
    /// <summary>A search function over one collection of the RefineMemory store.</summary>
    public static Func<string, CancellationToken, Task<IEnumerable<TextSearchProvider.TextSearchResult>>> ForCollection(RefinedSearch search, string collection, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        return async (query, cancellationToken) =>
        {
            var result = await search.SearchAsync(collection, query, top, cancellationToken: cancellationToken).ConfigureAwait(false);
            return result.Hits.Select(h => new TextSearchProvider.TextSearchResult
            {
                Text = h.Text,
                SourceName = h.DocumentId,
                SourceLink = h.Source,
                RawRepresentation = h,
            }).ToArray();
        };
    }

    /// <summary>A search function over any VectorData collection wrapped in <see cref="RefinedVectorSearch{TRecord}"/>.</summary>
    /// <param name="search">The decorator.</param>
    /// <param name="top">Results per search. Default 5.</param>
    /// <param name="link">The link of a record (a URL or file), or <c>null</c> (default) for none.</param>
    public static Func<string, CancellationToken, Task<IEnumerable<TextSearchProvider.TextSearchResult>>> ForVectorSearch<TRecord>(RefinedVectorSearch<TRecord> search, int top = 5, Func<TRecord, string?>? link = null)
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        return async (query, cancellationToken) =>
        {
            var result = await search.SearchAsync(query, top, (RefinedVectorSearchRequest<TRecord>?)null, cancellationToken).ConfigureAwait(false);
            return result.Hits.Select(h => new TextSearchProvider.TextSearchResult
            {
                Text = search.TextOf(h.Record),
                SourceName = search.KeyOf(h.Record),
                SourceLink = link?.Invoke(h.Record),
                RawRepresentation = h,
            }).ToArray();
        };
    }
}
