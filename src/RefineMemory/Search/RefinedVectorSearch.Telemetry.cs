using Microsoft.Extensions.VectorData;
using RefineMemory.Diagnostics;

namespace RefineMemory.Search;

/// <summary>The OpenTelemetry root span and metrics of a refined search (<see cref="RefineMemoryTelemetry"/>), kept apart from the pipeline.</summary>
public sealed partial class RefinedVectorSearch<TRecord>
{
    private CollectionInfo? _collection;

    /// <summary>Runs one refined search and returns the <paramref name="top"/> best records after refinement.</summary>
    public async Task<RefinedVectorSearchResult<TRecord>> SearchAsync(string query, int top, RefinedVectorSearchRequest<TRecord>? request = null, CancellationToken cancellationToken = default)
    {
        if (!RefineMemoryTelemetry.Enabled)
        {
            return await SearchCoreAsync(query, top, request, cancellationToken).ConfigureAwait(false);
        }

        // The metadata is read once per instance and only under a listener, so a search without one pays nothing.
        var collection = _collection ??= CollectionInfo.Of(_inner.GetService(typeof(VectorStoreCollectionMetadata)));
        using var activity = RefineMemoryTelemetry.StartSearch(collection, top, request?.FeedbackCount ?? Options.Refinement.FeedbackCount, request?.Refine ?? Options.Refine);
        try
        {
            var result = await SearchCoreAsync(query, top, request, cancellationToken).ConfigureAwait(false);
            RefineMemoryTelemetry.Complete(activity, collection, result.Diagnostics);
            return result;
        }
        catch (Exception ex) when (RefineMemoryTelemetry.Fail(activity, ex))
        {
            throw;
        }
    }
}
