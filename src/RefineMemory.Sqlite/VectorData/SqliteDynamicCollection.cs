namespace RefineMemory.Sqlite.VectorData;

/// <summary>A SQLite collection of dynamic <c>Dictionary&lt;string, object?&gt;</c> records described by a definition.</summary>
public sealed class SqliteDynamicCollection : SqliteCollection<object, Dictionary<string, object?>>
{
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <param name="name">The collection's name.</param>
    /// <param name="options">Its options; <see cref="Microsoft.Extensions.VectorData.VectorStoreCollectionOptions.Definition"/> is required.</param>
    public SqliteDynamicCollection(string connectionString, string name, SqliteCollectionOptions options)
        : this(new SqliteVectorDatabase(connectionString), name, options)
    {
    }

    internal SqliteDynamicCollection(SqliteVectorDatabase database, string name, SqliteCollectionOptions options)
        : base(database, name, options, dynamic: true)
    {
    }
}
