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
    /// How long a search (and every other read) waits for a lock another session holds on the memory tables (a
    /// <c>LOCK TABLE</c>, a migration, a <c>VACUUM FULL</c>) before the server cancels it with a
    /// <see cref="PostgresTimeoutException"/>. Default 5 s; <c>null</c> leaves the server's or role's own
    /// <c>lock_timeout</c>. Set as <c>lock_timeout</c> inside each read's transaction. A connection string whose
    /// <c>Options</c> names <c>lock_timeout</c> (<c>postgresql://...?options=-c%20lock_timeout%3D2s</c>) keeps that value instead.
    /// Ingests are not bounded by it: they wait for each other's per-collection lock by design.
    /// </summary>
    public TimeSpan? LockTimeout { get; set; } = DefaultLockTimeout;

    /// <summary>
    /// How long one statement of a search (or other read) may run in the server before the server cancels it
    /// with a <see cref="PostgresTimeoutException"/>. Default 30 s (below <see cref="CommandTimeoutSeconds"/>, so the
    /// server's cancellation, which names the cause, comes first); <c>null</c> leaves the server's or role's own
    /// <c>statement_timeout</c>; an <c>Options</c> setting of <c>statement_timeout</c> in the connection string wins, as for <see cref="LockTimeout"/>.
    /// </summary>
    public TimeSpan? StatementTimeout { get; set; } = DefaultStatementTimeout;

    /// <summary>The default <see cref="LockTimeout"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default <see cref="StatementTimeout"/>: 30 s.</summary>
    public static readonly TimeSpan DefaultStatementTimeout = TimeSpan.FromSeconds(30);

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
        CheckTimeout(LockTimeout, nameof(LockTimeout));
        CheckTimeout(StatementTimeout, nameof(StatementTimeout));
    }

    // PostgreSQL takes whole milliseconds up to int.MaxValue; 0 would mean "no timeout", which null says plainly.
    private static void CheckTimeout(TimeSpan? timeout, string name)
    {
        if (timeout is { } t && (t < TimeSpan.FromMilliseconds(1) || t > TimeSpan.FromDays(1)))
        {
            throw new ArgumentOutOfRangeException(name, t, $"PostgresMemoryStoreOptions.{name} must be from 1 ms to 1 day, or null for the server's own setting.");
        }
    }
}
