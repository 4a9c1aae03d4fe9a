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

    /// <summary>
    /// A multi-host data source found no server of the target asked for: every server refused or was down
    /// ("Unable to connect to a suitable host", with each one's error inside), or those up are not of the target
    /// ("No suitable host was found").
    /// </summary>
    public static bool IsNoSuitableHost(Exception ex) =>
        ex is NpgsqlException { InnerException: null or AggregateException } and not PostgresException
            && (ex.Message.StartsWith("No suitable host", StringComparison.Ordinal) || ex.Message.StartsWith("Unable to connect to a suitable host", StringComparison.Ordinal));

    public static bool IsMissingTable(Exception ex) => ex is PostgresException { SqlState: "42P01" };

    /// <summary>"host:port[,host:port]/database" of a data source, for messages (never the password).</summary>
    public static string Describe(NpgsqlDataSource dataSource) => Describe(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString));

    /// <summary>"host:port[,host:port]/database" of connection settings, for messages (never the password).</summary>
    public static string Describe(NpgsqlConnectionStringBuilder settings) => $"{PostgresUri.Servers(settings)}/{settings.Database ?? settings.Username}";
}
