namespace RefineMemory.Postgres;

/// <summary>Settings of <see cref="PostgresMemoryStore"/>.</summary>
public sealed class PostgresMemoryStoreOptions
{
    /// <summary>An Npgsql connection string (<c>Host=...;Port=...;Username=...;Database=...</c>). Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The schema holding the memory tables (<c>refine_memory_*</c>). Default "public".</summary>
    public string Schema { get; set; } = "public";

    /// <summary>Seconds a statement may run before it is cancelled. Default 60.</summary>
    public int CommandTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Searches every chunk of the collection exactly (index scans off) instead of through its HNSW index.
    /// Default <c>false</c>: approximate nearest neighbours, with <c>hnsw.ef_search</c> at least max(40, top + skip).
    /// </summary>
    public bool ExactSearch { get; set; }

    /// <summary>
    /// How long an ingest waits, after its last commit, for the standbys the primary streams to (its
    /// <c>pg_stat_replication</c>) to replay it, so a search right after the ingest sees what it wrote wherever it
    /// runs. Past it the ingest returns anyway and its result says how far behind they are
    /// (<see cref="Memory.IngestResult.Replication"/>). Default 10 s; <see cref="TimeSpan.Zero"/> does not wait.
    /// Nothing waits when the primary has no standby.
    /// </summary>
    public TimeSpan StandbyWait { get; set; } = DefaultStandbyWait;

    /// <summary>The default <see cref="StandbyWait"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultStandbyWait = TimeSpan.FromSeconds(10);

    /// <summary>Checks every setting; throws an <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("PostgresMemoryStoreOptions.ConnectionString is required (the PostgreSQL server that holds the memory).", nameof(ConnectionString));
        }

        PostgresSql.CheckName(Schema, "schema");
        ArgumentOutOfRangeException.ThrowIfLessThan(CommandTimeoutSeconds, 1, nameof(CommandTimeoutSeconds));
        ArgumentOutOfRangeException.ThrowIfLessThan(StandbyWait, TimeSpan.Zero, nameof(StandbyWait));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(StandbyWait, TimeSpan.FromHours(1), nameof(StandbyWait));
    }
}
