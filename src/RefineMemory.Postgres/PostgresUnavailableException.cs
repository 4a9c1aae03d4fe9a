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
