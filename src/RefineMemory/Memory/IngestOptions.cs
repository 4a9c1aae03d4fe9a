namespace RefineMemory.Memory;

/// <summary>How documents are chunked and which settings a new collection gets.</summary>
public sealed class IngestOptions
{
    /// <summary>How documents are split into chunks. Default: <see cref="ChunkingOptions"/>' defaults.</summary>
    public ChunkingOptions Chunking { get; set; } = new();

    /// <summary>Instruction of a collection created by this ingest; ignored for existing collections. Default none.</summary>
    public string? Instruction { get; set; }

    /// <summary>Instruction template of a created collection. Default <see cref="Embed.QueryInstruction.DefaultTemplate"/>.</summary>
    public string InstructionTemplate { get; set; } = Embed.QueryInstruction.DefaultTemplate;

    /// <summary>Documents embedded per call to the embedding generator. Default 64.</summary>
    public int EmbeddingBatchSize { get; set; } = 64;

    /// <summary>
    /// Mirrors a source: after the ingest, the collection's documents whose <see cref="MemoryDocument.Source"/> starts
    /// with this prefix and that are not among the documents given are deleted with their chunks (the files of a
    /// folder that were deleted since it was last ingested; <c>refine ingest FOLDER --mirror</c> passes the folder's
    /// real path and a separator). Default <c>null</c>: an ingest never deletes anything.
    /// </summary>
    public string? MirrorSourcePrefix { get; set; }

    /// <summary>Checks every setting; throws an <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public void Validate()
    {
        if (MirrorSourcePrefix is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(MirrorSourcePrefix, nameof(MirrorSourcePrefix));
        }

        ArgumentNullException.ThrowIfNull(Chunking);
        Chunking.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(EmbeddingBatchSize, 1, nameof(EmbeddingBatchSize));
        ArgumentException.ThrowIfNullOrWhiteSpace(InstructionTemplate, nameof(InstructionTemplate));
    }
}
