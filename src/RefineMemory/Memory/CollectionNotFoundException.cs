namespace RefineMemory.Memory;

/// <summary>A collection was asked for by a name the store does not hold.</summary>
public sealed class CollectionNotFoundException : KeyNotFoundException
{
    public CollectionNotFoundException(string collection, IReadOnlyList<string> existing)
        : base(existing.Count == 0
            ? $"Collection '{collection}' does not exist; the store holds no collections yet (ingest documents first)."
            : $"Collection '{collection}' does not exist; the store holds: {string.Join(", ", existing)}.")
    {
        Collection = collection;
    }

    public CollectionNotFoundException() { }

    public CollectionNotFoundException(string message) : base(message) { }

    public CollectionNotFoundException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The name that was asked for.</summary>
    public string? Collection { get; }
}
