using Microsoft.Extensions.VectorData;
using Npgsql;

namespace RefineMemory.Postgres;

/// <summary>
/// Runs one unit of work on a pooled connection. A connection lost before the work finished (server restarted:
/// every pooled connection is dead) clears the pool and runs the work once more on a fresh one; each unit is one
/// transaction and idempotent (upserts and deletes by key), so a retry cannot apply anything twice. Failures
/// become typed errors naming the server and the collection.
/// </summary>
internal static class PostgresConnections
{
    public static Task<T> RunAsync<T>(NpgsqlDataSource dataSource, string? collection, string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(dataSource, PostgresFailures.Describe(dataSource), collection, operation, work, cancellationToken);

    // servers: for messages (host:port[,host:port]/database); write: the work needs the primary, so finding none is
    // "no writable server".
    // resetHosts: forgets what a multi-host data source remembers of its servers (down, standby), so that a server
    // back up or just promoted is tried again at once rather than after the recheck period.
    public static async Task<T> RunAsync<T>(NpgsqlDataSource dataSource, string servers, string? collection, string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken, bool write = false, Action? resetHosts = null)
    {
        bool reconnected = false, rediscovered = false; // each recovery once: a lost connection, then stale server states
        while (true)
        {
            NpgsqlException failure;
            bool opened = false;
            try
            {
                using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                opened = true;
                return await work(conn, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Decided here, not in exception filters on the loop's state: one catch, one variable.
                failure = ex;
            }

            if (!reconnected && PostgresFailures.IsLostConnection(failure))
            {
                reconnected = true;
                dataSource.Clear();
            }
            else if (!rediscovered && resetHosts is not null && PostgresFailures.IsNoSuitableHost(failure))
            {
                rediscovered = true;
                resetHosts();
            }
            else
            {
                throw Translate(failure, servers, collection, operation, write, opened);
            }
        }
    }

    // opened: whether the connection was open when the call failed; a failure while opening it that is nothing
    // more specific (no password given where one is asked for, a TLS problem) is the server refusing us.
    private static Exception Translate(NpgsqlException ex, string server, string? collection, string operation, bool write, bool opened)
    {
        string subject = collection is null ? operation : $"{operation} on collection '{collection}'";
        if (PostgresFailures.IsNoSuitableHost(ex))
        {
            // Every server was tried: none was up (or, for a write, none was the primary).
            return write
                ? new PostgresNoWritableServerException($"PostgreSQL at {server}: no writable server (no primary answered: it may be down or failing over); {subject} was not run and nothing was written. Searches still go to the standbys.", ex)
                {
                    VectorStoreSystemName = "postgresql", VectorStoreName = server, CollectionName = collection, OperationName = operation,
                }
                : new PostgresUnavailableException($"PostgreSQL at {server}: no server answered; {subject} was not run. Are the servers running?", ex)
                {
                    VectorStoreSystemName = "postgresql", VectorStoreName = server, CollectionName = collection, OperationName = operation,
                };
        }

        if (PostgresFailures.IsUnreachable(ex))
        {
            return new PostgresUnavailableException($"PostgreSQL at {server} is unreachable ({ex.InnerException!.Message}); {subject} was not run. Is the server running?", ex)
            {
                VectorStoreSystemName = "postgresql", VectorStoreName = server, CollectionName = collection, OperationName = operation,
            };
        }

        if (!opened && PostgresFailures.IsTimeout(ex))
        {
            // No statement ran: the server (or something at its address) accepted the connection but never answered.
            return new PostgresUnavailableException($"PostgreSQL at {server} did not answer within the connection timeout; {subject} was not run. Is the server overloaded, or is something else listening there?", ex)
            {
                VectorStoreSystemName = "postgresql", VectorStoreName = server, CollectionName = collection, OperationName = operation,
            };
        }

        if (PostgresFailures.IsLockTimeout(ex))
        {
            return new PostgresTimeoutException($"PostgreSQL at {server}: {subject} waited past its lock timeout (another session holds a lock on the tables) and was cancelled; nothing it would have written was committed.", ex)
            {
                Server = server, LockTimeout = true,
            };
        }

        if (PostgresFailures.IsTimeout(ex))
        {
            return new PostgresTimeoutException($"PostgreSQL at {server}: {subject} ran past its statement timeout and was cancelled; nothing it would have written was committed.", ex) { Server = server };
        }

        if (PostgresFailures.IsLostConnection(ex))
        {
            // Lost twice in a row: the retry's connection failed as well (the server is still going down or coming up).
            return new PostgresUnavailableException($"PostgreSQL at {server} closed the connection ({ex.Message}); {subject} was not completed and nothing of it was committed. Is the server restarting?", ex)
            {
                VectorStoreSystemName = "postgresql", VectorStoreName = server, CollectionName = collection, OperationName = operation,
            };
        }

        if (PostgresFailures.IsRefused(ex) || (!opened && ex is not PostgresException))
        {
            string hint = ex is PostgresException pg ? PostgresFailures.Hint(pg) : "";
            return new PostgresRefusedException($"PostgreSQL at {server} refused {subject}: {ex.Message}; nothing was written.{hint}", ex)
            {
                SqlState = (ex as PostgresException)?.SqlState,
                VectorStoreSystemName = "postgresql", VectorStoreName = server, CollectionName = collection, OperationName = operation,
            };
        }

        string message = PostgresFailures.IsMissingTable(ex) && collection is not null
            ? $"Collection '{collection}' does not exist in PostgreSQL at {server} (create it with EnsureCollectionExistsAsync); {operation} failed."
            : $"PostgreSQL at {server}: {subject} failed: {ex.Message}";
        return new VectorStoreException(message, ex)
        {
            VectorStoreSystemName = "postgresql", VectorStoreName = server, CollectionName = collection, OperationName = operation,
        };
    }
}
