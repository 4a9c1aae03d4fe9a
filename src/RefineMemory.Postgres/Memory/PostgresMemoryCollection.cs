using Microsoft.Extensions.VectorData;
using RefineMemory.Memory;
using RefineMemory.Retrieve;
using RefineMemory.Search;

namespace RefineMemory.Postgres;

/// <summary>
/// A memory collection read from PostgreSQL at one generation: its chunk records and an exact in-memory index
/// over their embeddings (replaced whole when another ingest commits, never edited in place).
/// </summary>
internal sealed class PostgresMemoryCollection(string name, int dimension, string? instruction, string template, long generation, ExactVectorIndexOptions? indexOptions)
    : IMemoryCollection
{
    private readonly Dictionary<string, MemoryRecord> _records = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public int Dimension { get; } = dimension;

    public string? Instruction { get; } = instruction;

    public string InstructionTemplate { get; } = template;

    public long Generation { get; } = generation;

    public ExactVectorIndex Index { get; } = new(dimension, indexOptions);

    public IVectorSearchable<MemoryRecord> Chunks => field ??= new ExactMemoryChunks(Name, Index, id => _records.TryGetValue(id, out var r) ? r : null);

    public int Count => Index.Count;

    public bool TryGetRecord(string id, out MemoryRecord record) => _records.TryGetValue(id, out record!);

    public Task<MemoryRecord?> GetAsync(string id, bool includeEmbedding = false, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryGetValue(id, out var r) ? (includeEmbedding ? r with { Embedding = Index.GetVector(id) } : r) : null);

    public void Add(MemoryRecord record, ReadOnlySpan<float> vector)
    {
        _records[record.Id] = record;
        Index.Upsert(record.Id, vector);
    }
}
