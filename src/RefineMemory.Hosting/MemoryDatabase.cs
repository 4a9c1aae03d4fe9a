using System.Globalization;
using Microsoft.Extensions.AI;
using Npgsql;
using RefineMemory.Memory;
using RefineMemory.Postgres;
using RefineMemory.Sqlite;

namespace RefineMemory.Hosting;

/// <summary>
/// Where the memory lives, from one string (<c>--db</c>, <see cref="RefineMemoryOptions.DatabasePath"/>): a SQLite
/// file path, a PostgreSQL URI (<c>postgresql://user[:password]@host[:port]/database[?sslmode=...]</c>) or an Npgsql
/// connection string (<c>Host=...;Port=...</c>). Anything else that looks like a URI is refused, never taken for a path.
/// </summary>
public sealed record MemoryDatabase(MemoryDatabaseKind Kind, string Value)
{
    private static readonly Dictionary<string, string> UriParameters = new(StringComparer.Ordinal)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["password"] = "Password",
    };

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
    public IMemoryStore Open(IEmbeddingGenerator<string, Embedding<float>> embedder, bool exactSearch = false) => Kind == MemoryDatabaseKind.Postgres
        ? new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = Value, ExactSearch = exactSearch }, embedder)
        : new SqliteMemoryStore(new SqliteMemoryStoreOptions { DatabasePath = Value }, embedder);

    /// <summary>Where the memory is, for messages: the SQLite file or the PostgreSQL URI, never a password.</summary>
    public string Describe() => Kind == MemoryDatabaseKind.Sqlite ? Path.GetFullPath(Value) : Redact(Value);

    private static bool LooksLikeConnectionString(string text) =>
        text.Contains('=', StringComparison.Ordinal) && text.Split(';').Any(part => part.Split('=')[0].Trim().ToLowerInvariant() is "host" or "server");

    private static string FromUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"'{Redact(text)}' is not a valid PostgreSQL URI (postgresql://user@host:port/database).", "database");
        }

        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host.Trim('[', ']') };
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            b.Port = uri.Port;
        }

        string[] user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0)
        {
            b.Username = System.Uri.UnescapeDataString(user[0]);
        }

        if (user.Length == 2)
        {
            b.Password = System.Uri.UnescapeDataString(user[1]);
        }

        string path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            b.Database = System.Uri.UnescapeDataString(path);
        }

        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            string key = System.Uri.UnescapeDataString(kv[0]);
            if (!UriParameters.TryGetValue(key, out string? keyword))
            {
                throw new ArgumentException($"The PostgreSQL URI parameter '{key}' is not supported; use {string.Join(", ", UriParameters.Keys)}, or an Npgsql connection string (Host=...).", "database");
            }

            b[keyword] = kv.Length == 2 ? System.Uri.UnescapeDataString(kv[1]) : "";
        }

        return b.ConnectionString;
    }

    private static string Redact(string text)
    {
        if (text.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            string user = uri.UserInfo.Split(':')[0];
            return string.Create(CultureInfo.InvariantCulture, $"{uri.Scheme}://{(user.Length > 0 ? user + "@" : "")}{uri.Authority}{uri.AbsolutePath}");
        }

        if (LooksLikeConnectionString(text))
        {
            try
            {
                var b = new NpgsqlConnectionStringBuilder(text);
                return $"postgresql://{b.Username}@{b.Host}:{b.Port}/{b.Database ?? b.Username}";
            }
            catch (ArgumentException)
            {
                return "(a PostgreSQL connection string)";
            }
        }

        return text;
    }
}

/// <summary>The kind of database behind <see cref="MemoryDatabase"/>.</summary>
public enum MemoryDatabaseKind
{
    Sqlite,
    Postgres,
}
