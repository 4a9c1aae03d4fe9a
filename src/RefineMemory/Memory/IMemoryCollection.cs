using Microsoft.Extensions.VectorData;

namespace RefineMemory.Memory;

/// <summary>An open collection: its settings and its chunks, searchable by vector.</summary>
public interface IMemoryCollection
{
    /// <summary>The collection's name.</summary>
    string Name { get; }

    /// <summary>The embedding dimension every chunk and query of this collection has.</summary>
    int Dimension { get; }

    /// <summary>The task instruction used to embed queries (and shown to the judge), or <c>null</c>.</summary>
    string? Instruction { get; }

    /// <summary>The template that combines instruction and query; see <see cref="Embed.QueryInstruction"/>.</summary>
    string InstructionTemplate { get; }

    /// <summary>
    /// The model id (<c>EmbeddingGeneratorMetadata.DefaultModelId</c>) of the embedder that made the stored vectors,
    /// when the store records it; a search with another embedder is refused (<see cref="Embed.EmbedderMismatchException"/>).
    /// </summary>
    string? EmbeddingModel => null;

    /// <summary>The number of chunks when the collection was opened.</summary>
    int Count { get; }

    /// <summary>Reads one chunk by its id (<c>{DocumentId}#{Ordinal}</c>), with its embedding when asked; <c>null</c> when there is none.</summary>
    Task<MemoryRecord?> GetAsync(string id, bool includeEmbedding = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// The chunks as a VectorData searchable: searched by a float vector (cosine, higher first), filtered by
    /// <see cref="MemoryRecord.HasTag"/> conditions, returning <see cref="MemoryRecord.Embedding"/> when vectors are included.
    /// The refined search runs on it (<see cref="Search.RefinedVectorSearch{TRecord}"/>).
    /// </summary>
    IVectorSearchable<MemoryRecord> Chunks { get; }
}
