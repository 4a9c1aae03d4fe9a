namespace RefineMemory.Memory;

/// <summary>
/// The store's database cannot be used as asked: it does not exist (for a read), is a folder or a device, belongs
/// to another application, is damaged, is read-only (for a write) or stays locked. The message names the
/// database and what to do; nothing was changed.
/// </summary>
public sealed class MemoryStoreException : IOException
{
    public MemoryStoreException() { }

    public MemoryStoreException(string message) : base(message) { }

    public MemoryStoreException(string message, Exception innerException) : base(message, innerException) { }
}
