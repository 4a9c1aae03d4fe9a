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
    public static async Task<T> RunAsync<T>(NpgsqlDataSource dataSource, string? collection, string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                return await work(conn, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt == 0 && PostgresFailures.IsLostConnection(ex) && !cancellationToken.IsCancellationRequested)
            {
                dataSource.Clear();
            }
            catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Translate(ex, dataSource, collection, operation);
            }
        }
    }

    private static Exception Translate(NpgsqlException ex, NpgsqlDataSource dataSource, string? collection, string operation)
    {
        string server = PostgresFailures.Describe(dataSource);
        string subject = collection is null ? operation : $"{operation} on collection '{collection}'";
        if (PostgresFailures.IsUnreachable(ex))
        {
            return new PostgresUnavailableException($"PostgreSQL at {server} is unreachable ({ex.InnerException!.Message}); {subject} was not run. Is the server running?", ex)
            {
                VectorStoreSystemName = "postgresql", VectorStoreName = server, CollectionName = collection, OperationName = operation,
            };
        }

        if (PostgresFailures.IsTimeout(ex))
        {
            return new TimeoutException($"PostgreSQL at {server}: {subject} ran past its statement timeout and was cancelled; nothing it would have written was committed.", ex);
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
