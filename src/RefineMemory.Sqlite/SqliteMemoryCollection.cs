using System.Collections.Concurrent;
using Microsoft.Extensions.VectorData;
using RefineMemory.Memory;
using RefineMemory.Retrieve;
using RefineMemory.Search;

namespace RefineMemory.Sqlite;

/// <summary>
/// A collection loaded from SQLite: chunk records in a concurrent dictionary and their embeddings in an
/// <see cref="ExactVectorIndex"/>. Writers add a record before indexing it and unindex before removing it,
/// so a reader never finds an indexed chunk without its record.
/// </summary>
internal sealed class SqliteMemoryCollection : IMemoryCollection
{
    private readonly ConcurrentDictionary<string, MemoryRecord> _records = new(StringComparer.Ordinal);

    public SqliteMemoryCollection(string name, int dimension, string? instruction, string template, string? embeddingModel, long generation, ExactVectorIndexOptions? indexOptions)
    {
        Name = name;
        Dimension = dimension;
        Instruction = instruction;
        InstructionTemplate = template;
        EmbeddingModel = embeddingModel;
        Generation = generation;
        Index = new ExactVectorIndex(dimension, indexOptions);
        Chunks = new ExactMemoryChunks(name, Index, id => _records.TryGetValue(id, out var r) ? r : null) { StoreSystemName = "sqlite" };
    }

    public IVectorSearchable<MemoryRecord> Chunks { get; }

    public string Name { get; }

    public int Dimension { get; }

    public string? Instruction { get; }

    public string InstructionTemplate { get; }

    /// <summary>The embedding model id recorded when the collection was created, if the generator reported one.</summary>
    public string? EmbeddingModel { get; }

    public ExactVectorIndex Index { get; }

    public int Count => Index.Count;

    /// <summary>The database generation this in-memory copy reflects.</summary>
    public long Generation { get; set; }


    public Task<MemoryRecord?> GetAsync(string id, bool includeEmbedding = false, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryGetValue(id, out var r) ? (includeEmbedding ? r with { Embedding = Index.GetVector(id) } : r) : null);

    public void Add(MemoryRecord record, ReadOnlySpan<float> vector)
    {
        _records[record.Id] = record;
        Index.Upsert(record.Id, vector);
    }

    public void RemoveDocument(string documentId, int chunkCount)
    {
        for (int i = 0; i < chunkCount; i++)
        {
            string id = MemoryRecord.ChunkId(documentId, i);
            Index.Remove(id);
            _records.TryRemove(id, out _);
        }
    }
}
