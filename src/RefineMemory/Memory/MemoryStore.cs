using Microsoft.Extensions.AI;

namespace RefineMemory.Memory;

/// <summary>
/// The memory as agents, tools and the command line address it: collections by name, documents in, and the one
/// ingest (<see cref="MemoryIngestor"/>). The only implementation of <see cref="IMemoryStore"/>: a store supplies where
/// its collections live (<see cref="GetCollectionAsync"/>) and an <see cref="IIngestTarget"/> for an ingest, holding the
/// locks and connections that ingest needs (<see cref="IngestIntoAsync"/>).
/// </summary>
public abstract class MemoryStore : IMemoryStore
{
    /// <param name="embedder">Embeds the chunks of every ingest.</param>
    protected MemoryStore(IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        Embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));

    /// <summary>Embeds the chunks of every ingest.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Embedder { get; }

    /// <inheritdoc />
    public abstract Task<IMemoryCollection> GetCollectionAsync(string name, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public abstract Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public Task<IngestResult> IngestAsync(
        string collection,
        IReadOnlyList<MemoryDocument> documents,
        IngestOptions? options = null,
        IProgress<IngestProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentNullException.ThrowIfNull(documents);
        options ??= new IngestOptions();
        options.Validate();
        var ingestor = new MemoryIngestor(Embedder);
        return IngestIntoAsync(collection, target => ingestor.IngestAsync(collection, target, documents, options, progress, cancellationToken), cancellationToken);
    }

    /// <summary>Runs <paramref name="ingest"/> against this store's target for <paramref name="collection"/>.</summary>
    protected abstract Task<IngestResult> IngestIntoAsync(string collection, Func<IIngestTarget, Task<IngestResult>> ingest, CancellationToken cancellationToken);
}
