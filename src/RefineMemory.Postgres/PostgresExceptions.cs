using Microsoft.Extensions.VectorData;

namespace RefineMemory.Postgres;

/// <summary>The PostgreSQL server could not be reached (down, wrong host or port); the message names the server.</summary>
public sealed class PostgresUnavailableException : VectorStoreException
{
    /// <summary>Creates the exception with a default message.</summary>
    public PostgresUnavailableException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public PostgresUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public PostgresUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// A write (an ingest) found no writable server among those named: the primary is down or a failover is under way.
/// Nothing was written; reads still go to the standbys. The command line exits with the store's code (4).
/// </summary>
public sealed class PostgresNoWritableServerException : VectorStoreException
{
    /// <summary>Creates the exception with a default message.</summary>
    public PostgresNoWritableServerException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public PostgresNoWritableServerException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public PostgresNoWritableServerException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// The PostgreSQL server answered but refused the call: authentication failed, the database does not exist, the
/// role lacks a privilege (for example an ingest by a role that may only read), too many connections, the server
/// is shutting down. The message names the server (never the password) and what to check; nothing was written.
/// The command line exits with the store's code (4).
/// </summary>
public sealed class PostgresRefusedException : VectorStoreException
{
    /// <summary>Creates the exception with a default message.</summary>
    public PostgresRefusedException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public PostgresRefusedException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public PostgresRefusedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The server's SQLSTATE code (<c>28P01</c>, <c>3D000</c>, <c>42501</c>...), or <c>null</c> when the client refused before the server said why.</summary>
    public string? SqlState { get; init; }
}

/// <summary>
/// A call waited past its lock timeout (another session holds a conflicting lock) or ran past its statement
/// timeout, and the server cancelled it; nothing it would have written was committed. A <see cref="TimeoutException"/>,
/// so callers that catch timeouts keep working. The command line exits with the store's code (4).
/// </summary>
public sealed class PostgresTimeoutException : TimeoutException
{
    /// <summary>Creates the exception with a default message.</summary>
    public PostgresTimeoutException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public PostgresTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public PostgresTimeoutException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The servers and database, <c>host:port[,host:port]/database</c> (never the password).</summary>
    public string? Server { get; init; }

    /// <summary>Whether the lock timeout (SQLSTATE <c>55P03</c>) ended the call, rather than the statement timeout or the client's command timeout.</summary>
    public bool LockTimeout { get; init; }
}
