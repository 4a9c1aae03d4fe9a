using System.Net.Sockets;
using Npgsql;

namespace RefineMemory.Postgres;

/// <summary>
/// What a failed call to PostgreSQL means for the caller: a lost connection (retried once on a fresh one, so a
/// restarted server costs nothing), an unreachable server, a statement timeout, or a missing table.
/// </summary>
internal static class PostgresFailures
{
    /// <summary>The server closed or dropped the connection (restart, failover, idle kill): worth one retry on a new connection.</summary>
    public static bool IsLostConnection(Exception ex) =>
        ex is NpgsqlException npgsql && !IsTimeout(ex) && (
            npgsql is PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08006" or "08003" or "08000" }
            || (npgsql is not PostgresException && (npgsql.InnerException is IOException or SocketException or EndOfStreamException)));

    public static bool IsUnreachable(Exception ex) =>
        ex is NpgsqlException { InnerException: SocketException } && ex is not PostgresException;

    public static bool IsTimeout(Exception ex) =>
        ex is PostgresException { SqlState: "57014" } || ex is NpgsqlException { InnerException: TimeoutException };

    public static bool IsMissingTable(Exception ex) => ex is PostgresException { SqlState: "42P01" };

    /// <summary>"host:port/database" of a data source, for messages (never the password).</summary>
    public static string Describe(NpgsqlDataSource dataSource)
    {
        var b = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return $"{b.Host}:{b.Port}/{b.Database ?? b.Username}";
    }
}
