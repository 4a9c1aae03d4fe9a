using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace RefineMemory.Sqlite.VectorData;

/// <summary>
/// A VectorData store in one SQLite file (<see cref="SqliteCollection{TKey, TRecord}"/>). Its tables are prefixed
/// <c>vectordata_</c>, so the file may also hold a <see cref="SqliteMemoryStore"/>'s documents and chunks.
/// </summary>
public sealed class SqliteVectorStore : VectorStore
{
    private readonly SqliteVectorDatabase _database;

    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string; <see cref="ConnectionStringFor"/> builds one for a file.</param>
    public SqliteVectorStore(string connectionString)
    {
        _database = new SqliteVectorDatabase(connectionString);
    }

    /// <summary>The connection string for <paramref name="databasePath"/>: read-write, created when missing, pooled, waiting <paramref name="busyTimeoutSeconds"/> for another writer.</summary>
    public static string ConnectionStringFor(string databasePath, int busyTimeoutSeconds = 30)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentOutOfRangeException.ThrowIfLessThan(busyTimeoutSeconds, 1);
        string full = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = busyTimeoutSeconds,
        }.ToString();
    }

    /// <inheritdoc />
    public override SqliteCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        new(_database, name, new SqliteCollectionOptions { Definition = definition }, dynamic: false);

    /// <inheritdoc />
    public override SqliteDynamicCollection GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new(_database, name, new SqliteCollectionOptions { Definition = definition });
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = SqliteCommands.Command(connection, null, "SELECT name FROM vectordata_collections ORDER BY name");
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.GetString(0);
        }
    }

    /// <inheritdoc />
    public override async Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = SqliteCommands.Command(connection, null, "SELECT 1 FROM vectordata_collections WHERE name = $c", ("$c", name));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public override async Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await SqliteCommands.ExecuteAsync(connection, null, "DELETE FROM vectordata_collections WHERE name = $c", cancellationToken, ("$c", name)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? new VectorStoreMetadata { VectorStoreSystemName = SqliteCollection<string, object>.SystemName }
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }
}
