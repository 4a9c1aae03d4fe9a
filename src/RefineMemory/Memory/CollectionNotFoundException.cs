namespace RefineMemory.Memory;

/// <summary>A collection was asked for by a name the store does not hold.</summary>
public sealed class CollectionNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception for <paramref name="collection"/>, naming the <paramref name="existing"/> ones.</summary>
    public CollectionNotFoundException(string collection, IReadOnlyList<string> existing)
        : base(existing.Count == 0
            ? $"Collection '{collection}' does not exist; the store holds no collections yet (ingest documents first)."
            : $"Collection '{collection}' does not exist; the store holds: {string.Join(", ", existing)}.")
    {
        Collection = collection;
    }

    /// <summary>Creates the exception with a default message.</summary>
    public CollectionNotFoundException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public CollectionNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public CollectionNotFoundException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The name that was asked for.</summary>
    public string? Collection { get; }
}
