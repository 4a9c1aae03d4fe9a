namespace RefineMemory.Sqlite;

/// <summary>Settings of <see cref="SqliteMemoryStore"/>.</summary>
public sealed class SqliteMemoryStoreOptions
{
    /// <summary>Path of the SQLite database file; created with its folder when missing. Required.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>Seconds a statement waits for another process's write lock before failing. Default 30.</summary>
    public int BusyTimeoutSeconds { get; set; } = 30;

    /// <summary>Checks every setting; throws an <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            throw new ArgumentException("SqliteMemoryStoreOptions.DatabasePath is required (the SQLite file that holds the memory).", nameof(DatabasePath));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(BusyTimeoutSeconds, 1, nameof(BusyTimeoutSeconds));
    }
}
