namespace RefineMemory.Memory;

/// <summary>
/// One stored chunk: the unit that is embedded, retrieved and judged. <see cref="Id"/> is the chunk id
/// (<c>{DocumentId}#{Ordinal}</c>); <see cref="DocumentId"/> and <see cref="Source"/> make the citation.
/// </summary>
public sealed record MemoryRecord(
    string Id,
    string DocumentId,
    int Ordinal,
    string Text,
    string? Source,
    IReadOnlyDictionary<string, string> Metadata);
