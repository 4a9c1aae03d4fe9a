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
    /// <summary>Documents deleted because their source is mirrored and they were not given (<see cref="IngestOptions.MirrorSourcePrefix"/>); 0 otherwise.</summary>
    public int Deleted { get; init; }

    /// <summary>Ids given more than once in this ingest; the last copy of each was stored.</summary>
    public IReadOnlyList<string> DuplicateIds { get; init; } = [];

    /// <summary>
    /// Where the standbys of a replicated store stood when the ingest returned; <c>null</c> for a store without
    /// standbys (SQLite, or a PostgreSQL primary that streams to none).
    /// </summary>
    public ReplicationStatus? Replication { get; init; }
}

/// <summary>The standbys of a replicated store after an ingest: how many replayed its commits, and how far behind the rest are.</summary>
/// <param name="Standbys">Standbys the primary streams to.</param>
/// <param name="Replayed">Those that had replayed the ingest's last commit when it returned.</param>
/// <param name="MaxLagBytes">WAL bytes the furthest standby still had to replay (0 when all had; <c>null</c> when the server does not show it to this role).</param>
/// <param name="Waited">How long the ingest waited for them.</param>
public sealed record ReplicationStatus(int Standbys, int Replayed, long? MaxLagBytes, TimeSpan Waited)
{
    /// <summary>Whether every standby had replayed the ingest: a search anywhere sees what it wrote.</summary>
    public bool CaughtUp => Replayed == Standbys;
}

/// <summary>Progress of an ingest: documents done out of the total, and chunks embedded in the current batch.</summary>
public readonly record struct IngestProgress(int Done, int Total, string DocumentId)
{
    /// <summary>Chunks of the current batch embedded so far (reported after each embedding call); 0 on a document report.</summary>
    public int ChunksEmbedded { get; init; }

    /// <summary>Chunks the current batch has to embed; 0 on a document report.</summary>
    public int ChunksToEmbed { get; init; }
}
