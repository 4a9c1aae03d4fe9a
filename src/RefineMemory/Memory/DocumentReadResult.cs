namespace RefineMemory.Memory;

/// <summary>What a folder or file read produced, and what it skipped and why.</summary>
public sealed record DocumentReadResult(IReadOnlyList<MemoryDocument> Documents, IReadOnlyList<SkippedPath> Skipped);

/// <summary>A path the reader did not read: a dangling or looping link, a link leaving the folder, an unreadable entry.</summary>
public sealed record SkippedPath(string Path, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Reason}";
}
