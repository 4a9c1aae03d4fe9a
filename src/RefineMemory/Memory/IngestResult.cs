namespace RefineMemory.Memory;

/// <summary>What an ingest did.</summary>
public sealed record IngestResult(
    string Collection,
    int Added,
    int Updated,
    int Unchanged,
    int Chunks,
    int EmbeddedChunks,
    int ReusedChunks,
    TimeSpan Elapsed)
{
    /// <summary>Ids given more than once in this ingest; the last copy of each was stored.</summary>
    public IReadOnlyList<string> DuplicateIds { get; init; } = [];
}

/// <summary>Progress of an ingest: documents done out of the total, and chunks embedded in the current batch.</summary>
public readonly record struct IngestProgress(int Done, int Total, string DocumentId)
{
    /// <summary>Chunks of the current batch embedded so far (reported after each embedding call); 0 on a document report.</summary>
    public int ChunksEmbedded { get; init; }

    /// <summary>Chunks the current batch has to embed; 0 on a document report.</summary>
    public int ChunksToEmbed { get; init; }
}
