using Microsoft.Data.Sqlite;

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
                    await SqliteVectorDataSchema.ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
                    await SqliteVectorDataSchema.ExecuteAsync(connection, null, SqliteVectorDataSchema.Create, cancellationToken).ConfigureAwait(false);
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
}
