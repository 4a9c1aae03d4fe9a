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

    /// <summary>Checks every setting; throws an <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Chunking);
        Chunking.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(EmbeddingBatchSize, 1, nameof(EmbeddingBatchSize));
        ArgumentException.ThrowIfNullOrWhiteSpace(InstructionTemplate, nameof(InstructionTemplate));
    }
}
