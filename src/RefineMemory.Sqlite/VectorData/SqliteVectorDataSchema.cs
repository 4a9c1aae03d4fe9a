using Microsoft.Data.Sqlite;

namespace RefineMemory.Sqlite.VectorData;

/// <summary>
/// The VectorData tables, beside (not inside) the memory store's: a catalog of collections with their vector
/// layout, one row per record (data as JSON), one row per record and vector property. Deleting a collection
/// or a record cascades.
/// </summary>
internal static class SqliteVectorDataSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS vectordata_collections (
            name TEXT PRIMARY KEY,
            layout TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS vectordata_records (
            collection TEXT NOT NULL REFERENCES vectordata_collections(name) ON DELETE CASCADE,
            key TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (collection, key));
        CREATE TABLE IF NOT EXISTS vectordata_vectors (
            collection TEXT NOT NULL,
            key TEXT NOT NULL,
            property TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (collection, key, property),
            FOREIGN KEY (collection, key) REFERENCES vectordata_records(collection, key) ON DELETE CASCADE);
        """;

    /// <summary>Opens a connection with foreign keys on (the cascades depend on it).</summary>
    public static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await SqliteCommands.ExecuteAsync(connection, null, "PRAGMA foreign_keys = ON;", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
