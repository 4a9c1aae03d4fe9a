using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel.Data;
using RefineMemory.Search;

#pragma warning disable CS0618 // ITextSearch, TextSearchOptions: obsolete, but SK 1.82's TextSearchProvider and plugin factory take them.

namespace RefineMemory.SemanticKernel.TextSearch;

/// <summary>
/// Semantic Kernel's text search over <see cref="RefinedVectorSearch{TRecord}"/>: every query is embedded, a feedback
/// sample judged, the query vector refined, and the store searched again, so SK's ready-made pieces
/// (<c>CreateWithGetTextSearchResults</c>, <c>TextSearchProvider</c>) get refined results. Implements the generic
/// <see cref="ITextSearch{TRecord}"/> (LINQ filters) and the obsolete <see cref="ITextSearch"/> that SK 1.82's
/// plugin factory and <c>TextSearchProvider</c> still consume (equality filter clauses only).
/// Each <see cref="KernelSearchResults{T}.Metadata"/> says whether the search was refined, why not, and how it was judged.
/// </summary>
public sealed class RefinedTextSearch<TRecord> : ITextSearch<TRecord>, ITextSearch
    where TRecord : class
{
    private readonly RefinedVectorSearch<TRecord> _search;
    private readonly TextSearchRecordReader<TRecord> _records;

    /// <summary>Answers Semantic Kernel text searches with <paramref name="search"/>; <paramref name="options"/> say how records become text.</summary>
    public RefinedTextSearch(RefinedVectorSearch<TRecord> search, RefinedTextSearchOptions<TRecord>? options = null)
    {
        ArgumentNullException.ThrowIfNull(search);
        _search = search;
        _records = new TextSearchRecordReader<TRecord>(search, options ?? new RefinedTextSearchOptions<TRecord>());
    }

    /// <summary>The refined search underneath.</summary>
    public RefinedVectorSearch<TRecord> Search => _search;

    /// <inheritdoc />
    public async Task<KernelSearchResults<string>> SearchAsync(string query, TextSearchOptions<TRecord>? searchOptions = null, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(query, searchOptions?.Top, searchOptions?.Skip, searchOptions?.Filter, cancellationToken).ConfigureAwait(false);
        return Results(result, h => _records.Value(h.Record));
    }

    /// <summary>Runs a refined search for <paramref name="query"/> and returns the hits as name, value and link.</summary>
    public async Task<KernelSearchResults<TextSearchResult>> GetTextSearchResultsAsync(string query, TextSearchOptions<TRecord>? searchOptions = null, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(query, searchOptions?.Top, searchOptions?.Skip, searchOptions?.Filter, cancellationToken).ConfigureAwait(false);
        return Results(result, h => _records.Result(h.Record));
    }

    /// <summary>The records themselves, refined order.</summary>
    public async Task<KernelSearchResults<TRecord>> GetSearchResultsAsync(string query, TextSearchOptions<TRecord>? searchOptions = null, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(query, searchOptions?.Top, searchOptions?.Skip, searchOptions?.Filter, cancellationToken).ConfigureAwait(false);
        return Results(result, h => h.Record);
    }

    /// <inheritdoc />
    public async Task<KernelSearchResults<string>> SearchAsync(string query, TextSearchOptions? searchOptions = null, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(query, searchOptions?.Top, searchOptions?.Skip, EqualityFilter.ToExpression<TRecord>(searchOptions?.Filter), cancellationToken).ConfigureAwait(false);
        return Results(result, h => _records.Value(h.Record));
    }

    /// <summary>Runs a refined search for <paramref name="query"/> (equality filters only) and returns the hits as name, value and link.</summary>
    public async Task<KernelSearchResults<TextSearchResult>> GetTextSearchResultsAsync(string query, TextSearchOptions? searchOptions = null, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(query, searchOptions?.Top, searchOptions?.Skip, EqualityFilter.ToExpression<TRecord>(searchOptions?.Filter), cancellationToken).ConfigureAwait(false);
        return Results(result, h => _records.Result(h.Record));
    }

    /// <summary>The records themselves (as <see cref="object"/>), refined order.</summary>
    public async Task<KernelSearchResults<object>> GetSearchResultsAsync(string query, TextSearchOptions? searchOptions = null, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(query, searchOptions?.Top, searchOptions?.Skip, EqualityFilter.ToExpression<TRecord>(searchOptions?.Filter), cancellationToken).ConfigureAwait(false);
        return Results(result, h => (object)h.Record);
    }

    private Task<RefinedVectorSearchResult<TRecord>> RunAsync(string query, int? top, int? skip, Expression<Func<TRecord, bool>>? filter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var options = new VectorSearchOptions<TRecord> { Filter = filter, Skip = skip ?? 0 };
        return _search.SearchAsync(query, top ?? TextSearchOptions.DefaultTop, new RefinedVectorSearchRequest<TRecord> { SearchOptions = options }, cancellationToken);
    }

    private static KernelSearchResults<T> Results<T>(RefinedVectorSearchResult<TRecord> result, Func<RefinedVectorSearchHit<TRecord>, T> map)
    {
        var d = result.Diagnostics;
        var metadata = new Dictionary<string, object?>
        {
            ["refined"] = d.Refined,
            ["skippedReason"] = d.SkippedReason,
            ["judged"] = d.Judged.Count(j => j.Score.HasValue),
            ["judgeMethod"] = d.Judge?.Method,
            ["ranksBefore"] = result.Hits.Select(h => h.RankBefore).ToArray(),
        };
        return new KernelSearchResults<T>(Enumerate(result.Hits, map), null, metadata);
    }

    private static async IAsyncEnumerable<T> Enumerate<T>(IReadOnlyList<RefinedVectorSearchHit<TRecord>> hits, Func<RefinedVectorSearchHit<TRecord>, T> map, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var hit in hits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return map(hit);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
