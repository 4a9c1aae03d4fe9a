namespace RefineMemory.Memory;

/// <summary>Collections of chunked, embedded documents that refined search reads and agents write.</summary>
public interface IMemoryStore
{
    /// <summary>Opens a collection (loading its index on first use).</summary>
    /// <exception cref="CollectionNotFoundException">No collection has that name.</exception>
    Task<IMemoryCollection> GetCollectionAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The names of the stored collections.</summary>
    Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Chunks, embeds and stores <paramref name="documents"/> in <paramref name="collection"/>, creating it
    /// when it does not exist. Each document is committed whole or not at all; unchanged documents cost nothing.
    /// </summary>
    Task<IngestResult> IngestAsync(
        string collection,
        IReadOnlyList<MemoryDocument> documents,
        IngestOptions? options = null,
        IProgress<IngestProgress>? progress = null,
        CancellationToken cancellationToken = default);
}
