namespace RefineMemory.Memory;

/// <summary>What a folder or file read produced, and what it skipped and why.</summary>
public sealed record DocumentReadResult(IReadOnlyList<MemoryDocument> Documents, IReadOnlyList<SkippedPath> Skipped)
{
    /// <summary>
    /// Files read with a problem worth telling, each naming the file: bytes that are not valid UTF-8 (each became
    /// U+FFFD, the replacement character). Empty when there was nothing to tell.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The real path of the folder read (links resolved): every document read from it has a source under it. <c>null</c> when a file was read.</summary>
    public string? Folder { get; init; }
}

/// <summary>A path the reader did not read: a dangling or looping link, a link leaving the folder, an unreadable entry, a FIFO, device or socket.</summary>
public sealed record SkippedPath(string Path, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Reason}";
}
