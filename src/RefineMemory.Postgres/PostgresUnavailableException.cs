using Microsoft.Extensions.VectorData;

namespace RefineMemory.Postgres;

/// <summary>The PostgreSQL server could not be reached (down, wrong host or port); the message names the server.</summary>
public sealed class PostgresUnavailableException : VectorStoreException
{
    public PostgresUnavailableException() { }

    public PostgresUnavailableException(string message) : base(message) { }

    public PostgresUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
