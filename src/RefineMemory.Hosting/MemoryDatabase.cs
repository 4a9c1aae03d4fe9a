using Microsoft.Extensions.AI;
using Npgsql;
using RefineMemory.Memory;
using RefineMemory.Postgres;
using RefineMemory.Sqlite;

namespace RefineMemory.Hosting;

/// <summary>
/// Where the memory lives, from one string (<c>--db</c>, <c>AddRefineMemoryDatabase</c>): a SQLite
/// file path, a PostgreSQL URI (<c>postgresql://user[:password]@host[:port][,host[:port]...]/database[?sslmode=...]</c>, see <see cref="PostgresUri"/>) or an Npgsql
/// connection string (<c>Host=...;Port=...</c>). Anything else that looks like a URI is refused, never taken for a path.
/// </summary>
public sealed record MemoryDatabase(MemoryDatabaseKind Kind, string Value)
{
    /// <summary>Reads <paramref name="database"/>; throws <see cref="ArgumentException"/> for a URI of another scheme or a malformed connection string.</summary>
    public static MemoryDatabase Parse(string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        string text = database.Trim();
        int scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && !text[..scheme].Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            string name = text[..scheme].ToLowerInvariant();
            return name is "postgresql" or "postgres"
                ? new(MemoryDatabaseKind.Postgres, FromUri(text))
                : throw new ArgumentException($"The database '{Redact(text)}' is a '{name}://' URI; the memory lives in a SQLite file or in PostgreSQL (postgresql://user@host:port/database or Host=...;Database=...).", nameof(database));
        }

        if (LooksLikeConnectionString(text))
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(text);
                return string.IsNullOrEmpty(builder.Host)
                    ? throw new ArgumentException("The PostgreSQL connection string names no Host.", nameof(database))
                    : new(MemoryDatabaseKind.Postgres, builder.ConnectionString);
            }
            catch (ArgumentException ex) when (ex.ParamName != nameof(database))
            {
                throw new ArgumentException($"The PostgreSQL connection string is not valid: {ex.Message}", nameof(database), ex);
            }
        }

        return new(MemoryDatabaseKind.Sqlite, text);
    }

    /// <summary>Opens the store: <see cref="SqliteMemoryStore"/> or <see cref="PostgresMemoryStore"/>.</summary>
    /// <param name="embedder">The embedding generator of ingests and queries.</param>
    /// <param name="exactSearch">PostgreSQL: search every chunk exactly instead of through the HNSW index
    /// (<see cref="PostgresMemoryStoreOptions.ExactSearch"/>); SQLite always searches exactly.</param>
    /// <param name="standbyWait">PostgreSQL: how long an ingest waits for the standbys to replay it (<see cref="PostgresMemoryStoreOptions.StandbyWait"/>); <c>null</c>: its default.</param>
    public IMemoryStore Open(IEmbeddingGenerator<string, Embedding<float>> embedder, bool exactSearch = false, TimeSpan? standbyWait = null) => Kind == MemoryDatabaseKind.Postgres
        ? new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = Value, ExactSearch = exactSearch, StandbyWait = standbyWait ?? PostgresMemoryStoreOptions.DefaultStandbyWait }, embedder)
        : new SqliteMemoryStore(new SqliteMemoryStoreOptions { DatabasePath = Value }, embedder);

    /// <summary>Where the memory is, for messages: the SQLite file or the PostgreSQL URI, never a password.</summary>
    public string Describe() => Kind == MemoryDatabaseKind.Sqlite ? Path.GetFullPath(Value) : Redact(Value);

    private static bool LooksLikeConnectionString(string text) =>
        text.Contains('=', StringComparison.Ordinal) && text.Split(';').Any(part => part.Split('=')[0].Trim().ToLowerInvariant() is "host" or "server");

    private static string FromUri(string text)
    {
        try
        {
            return PostgresUri.ToConnectionString(text);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(ex.Message, "database", ex);
        }
    }

    private static string Redact(string text) =>
        LooksLikeConnectionString(text) || text.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) ? PostgresUri.Describe(text)
        : text.Contains('@', StringComparison.Ordinal) && text.Contains("://", StringComparison.Ordinal) ? text[..(text.IndexOf("://", StringComparison.Ordinal) + 3)] + text[(text.LastIndexOf('@') + 1)..]
        : text;
}

/// <summary>The kind of database behind <see cref="MemoryDatabase"/>.</summary>
public enum MemoryDatabaseKind
{
    /// <summary>A SQLite file.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (pgvector), one host or several.</summary>
    Postgres,
}
