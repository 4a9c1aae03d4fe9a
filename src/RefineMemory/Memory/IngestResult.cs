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
    TimeSpan Elapsed);

/// <summary>Progress of an ingest: documents done out of the total.</summary>
public readonly record struct IngestProgress(int Done, int Total, string DocumentId);
