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
        ex is PostgresException { SqlState: "57014" or PostgresErrorCodes.LockNotAvailable } || ex is NpgsqlException { InnerException: TimeoutException };

    /// <summary>The lock timeout ended the statement (55P03): another session holds a conflicting lock.</summary>
    public static bool IsLockTimeout(Exception ex) => ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable };

    /// <summary>
    /// The server refused us rather than failing: authentication (class 28), a database that does not exist, a
    /// missing privilege, no connection slot or resources left (class 53), the server shutting down or starting
    /// (57P01-57P03, once the retry failed too), a connection failure (class 08), a write sent to a standby. What to
    /// fix is outside this process, so these are <see cref="PostgresRefusedException"/>, not bugs.
    /// </summary>
    public static bool IsRefused(Exception ex) => ex is PostgresException { SqlState: { } state } && (
        state.StartsWith("28", StringComparison.Ordinal) || state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
        || state is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ReadOnlySqlTransaction
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow);

    /// <summary>What the user can check for a refusal of <see cref="IsRefused"/>, or "" when the server's words say it all.</summary>
    public static string Hint(PostgresException ex) => ex.SqlState switch
    {
        { } s when s.StartsWith("28", StringComparison.Ordinal) => " Check the user name and password (the password is never shown).",
        PostgresErrorCodes.InvalidCatalogName => " Check the database name, or create the database.",
        PostgresErrorCodes.InsufficientPrivilege => " A search needs SELECT on the refine_memory_* tables; an ingest also INSERT, UPDATE and DELETE, and the first ingest into a database (or `refine init`) the right to create the vector extension, the tables and their indexes.",
        PostgresErrorCodes.ReadOnlySqlTransaction => " The server is a standby or read-only; write to the primary.",
        _ => "",
    };

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
