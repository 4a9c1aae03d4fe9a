using RefineMemory.Retrieve;

namespace RefineMemory.Memory;

/// <summary>An open collection: its settings, its chunks, and the in-memory index over their embeddings.</summary>
public interface IMemoryCollection
{
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

    /// <summary>The exact index over the chunk embeddings, keyed by chunk id.</summary>
    ExactVectorIndex Index { get; }

    /// <summary>The number of chunks.</summary>
    int Count { get; }

    /// <summary>Looks a chunk up by id.</summary>
    bool TryGetRecord(string id, out MemoryRecord record);
}
