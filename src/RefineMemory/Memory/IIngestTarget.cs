namespace RefineMemory.Memory;

/// <summary>
/// What a store does for the <see cref="MemoryIngestor"/>, for one collection: say what it holds, and commit a batch
/// of whole documents in one transaction. Everything else an ingest does (content hashes, chunking, reuse of stored
/// vectors, embedding, checks, progress, the result) is the ingestor's, the same for every store.
/// </summary>
public interface IIngestTarget
{
    /// <summary>The collection as stored, or <c>null</c> when it does not exist yet.</summary>
    Task<StoredCollection?> ReadCollectionAsync(CancellationToken cancellationToken);

    /// <summary>Every stored document of the collection by id, with its content hash and chunk count.</summary>
    Task<IReadOnlyDictionary<string, StoredDocument>> ReadDocumentsAsync(CancellationToken cancellationToken);

    /// <summary>A stored vector for each of <paramref name="textHashes"/> the collection already holds (chunk texts seen before).</summary>
    Task<IReadOnlyDictionary<string, float[]>> ReadVectorsAsync(IReadOnlyCollection<string> textHashes, CancellationToken cancellationToken);

    /// <summary>
    /// Commits <paramref name="batch"/> in one transaction: creates the collection with the batch's settings when it is
    /// absent (first writer wins; a different stored dimension is a <see cref="DimensionMismatchException"/>), replaces
    /// each document and its chunks, and makes the change visible to searches only when all of it is in.
    /// </summary>
    Task CommitAsync(IngestBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes, in one transaction, the collection's documents whose source starts with <paramref name="sourcePrefix"/>
    /// and whose id is not in <paramref name="keep"/>, with their chunks, and returns how many (a mirrored folder's
    /// files that are gone, <see cref="IngestOptions.MirrorSourcePrefix"/>). A store that cannot delete keeps this
    /// default, which throws <see cref="NotSupportedException"/>.
    /// </summary>
    Task<int> DeleteMissingAsync(string sourcePrefix, IReadOnlyCollection<string> keep, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This memory store cannot delete documents, so it cannot mirror a source (IIngestTarget.DeleteMissingAsync).");
}

/// <summary>A collection's stored settings that an ingest checks against.</summary>
public sealed record StoredCollection(int Dimension, string? EmbeddingModel);

/// <summary>A stored document: its content hash and how many chunks it has.</summary>
public sealed record StoredDocument(string ContentHash, int ChunkCount);

/// <summary>A batch of whole documents to commit, with the settings the collection is created with if it is absent.</summary>
public sealed record IngestBatch(int Number, int Dimension, string? Instruction, string InstructionTemplate, string? EmbeddingModel, IReadOnlyList<IngestedDocument> Documents);

/// <summary>A document ready to store: its chunks, their text hashes and vectors, and what the store held of it before.</summary>
public sealed record IngestedDocument(MemoryDocument Document, string ContentHash, IReadOnlyList<string> Chunks, IReadOnlyList<string> ChunkHashes, IReadOnlyList<float[]> Vectors, int PreviousChunkCount, bool Existed);
