namespace RefineMemory.Retrieve;

/// <summary>Tuning for <see cref="ExactVectorIndex"/>.</summary>
public sealed class ExactVectorIndexOptions
{
    /// <summary>Rows to allocate up front. Default 1,024; storage doubles as needed.</summary>
    public int InitialCapacity { get; set; } = 1024;

    /// <summary>Most threads one search may use. Default <c>null</c>: one per processor.</summary>
    public int? MaxDegreeOfParallelism { get; set; }

    /// <summary>
    /// Floats each thread should scan at least before a search is split (default 1,048,576, about 4 MB),
    /// so that small collections are not slowed by thread hand-offs.
    /// </summary>
    public long MinFloatsPerThread { get; set; } = 1 << 20;

    /// <summary>
    /// Whether searches scan an 8-bit copy of the vectors first. Default <see cref="ScanQuantization.Int8"/>:
    /// a quarter of the bytes are read, the best <c>top × <see cref="Oversampling"/></c> are re-ranked exactly in
    /// float32, and the scores returned are the exact cosines (recall@10 against the exact scan: docs/speed.md).
    /// The copy costs <c>dimension + 4</c> bytes per vector beside the float32 rows.
    /// <see cref="ScanQuantization.None"/> scans the float32 rows only.
    /// </summary>
    public ScanQuantization Quantization { get; set; } = ScanQuantization.Int8;

    /// <summary>How many candidates per requested result the 8-bit scan keeps for exact re-ranking. Default 10.</summary>
    public int Oversampling { get; set; } = 10;
}
