namespace RefineMemory.Memory;

/// <summary>
/// The store's database cannot be used as asked: it does not exist (for a read), is a folder or a device, belongs
/// to another application, is damaged, is read-only (for a write) or stays locked. The message names the
/// database and what to do; nothing was changed.
/// </summary>
public sealed class MemoryStoreException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public MemoryStoreException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public MemoryStoreException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public MemoryStoreException(string message, Exception innerException) : base(message, innerException) { }
}
