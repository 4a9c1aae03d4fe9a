namespace RefineMemory.Retrieve;

/// <summary>What an <see cref="ExactVectorIndex"/> scans before re-ranking exactly.</summary>
public enum ScanQuantization
{
    /// <summary>The float32 rows only: every score is exact.</summary>
    None,

    /// <summary>A per-vector-scaled 8-bit copy, then exact float32 re-ranking of the best candidates.</summary>
    Int8,
}
