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
}
