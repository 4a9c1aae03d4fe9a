using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace RefineMemory.Sqlite.VectorData;

/// <summary>One database file as the VectorData connector uses it: opens connections and creates the tables once.</summary>
internal sealed class SqliteVectorDatabase
{
    private readonly SemaphoreSlim _init = new(1, 1);
    private volatile bool _ready;

    public SqliteVectorDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await SqliteVectorDataSchema.OpenAsync(ConnectionString, cancellationToken).ConfigureAwait(false);
        if (_ready)
        {
            return connection;
        }

        try
        {
            await _init.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_ready)
                {
                    await ClaimAsync(connection, cancellationToken).ConfigureAwait(false);
                    await SqliteCommands.ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
                    await SqliteCommands.ExecuteAsync(connection, null, SqliteVectorDataSchema.Create, cancellationToken).ConfigureAwait(false);
                    _ready = true;
                }
            }
            finally
            {
                _init.Release();
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Marks the file as RefineMemory's (the memory store's <see cref="SqliteDatabase.ApplicationId"/>), and refuses
    /// one that belongs to another application: another id, or no id and tables that are not ours. Changes nothing then.
    /// </summary>
    private static async Task ClaimAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (await SqliteDatabase.ForeignAsync(connection, null, cancellationToken).ConfigureAwait(false) is { } foreign)
        {
            throw new VectorStoreException(FormattableString.Invariant(
                $"'{connection.DataSource}' is a SQLite database of another application (application_id 0x{foreign.Id:X8}{(foreign.Tables.Count > 0 ? ", tables " + string.Join(", ", foreign.Tables.Take(5)) : "")}); it was not changed."))
            {
                VectorStoreSystemName = "refinememory.sqlite",
            };
        }

        await SqliteCommands.ExecuteAsync(connection, null, FormattableString.Invariant($"PRAGMA application_id = {SqliteDatabase.ApplicationId};"), cancellationToken).ConfigureAwait(false);
    }
}
