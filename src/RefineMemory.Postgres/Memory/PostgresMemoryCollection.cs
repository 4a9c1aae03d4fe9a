using Microsoft.Extensions.VectorData;
using RefineMemory.Memory;

namespace RefineMemory.Postgres;

/// <summary>
/// A memory collection in PostgreSQL: its settings as read when it was opened, and its chunks searched in the
/// server (<see cref="PostgresMemoryChunks"/>); no chunk or vector is held in the process.
/// </summary>
internal sealed class PostgresMemoryCollection(PostgresMemoryStore store, string name, int dimension, string? instruction, string template, string? embeddingModel, int count)
    : IMemoryCollection
{
    private readonly PostgresMemoryChunks _chunks = new(store, name, dimension);

    public string Name { get; } = name;

    public int Dimension { get; } = dimension;

    public string? Instruction { get; } = instruction;

    public string InstructionTemplate { get; } = template;

    /// <summary>The embedding model id recorded when the collection was created, if the generator reported one.</summary>
    public string? EmbeddingModel { get; } = embeddingModel;

    public int Count { get; } = count;

    public IVectorSearchable<MemoryRecord> Chunks => _chunks;

    public Task<MemoryRecord?> GetAsync(string id, bool includeEmbedding = false, CancellationToken cancellationToken = default) =>
        _chunks.GetAsync(id, includeEmbedding, cancellationToken);
}
