using Microsoft.Extensions.VectorData;

namespace RefineMemory.Sqlite.VectorData;

/// <summary>
/// Settings of a <see cref="SqliteCollection{TKey, TRecord}"/>. <see cref="VectorStoreCollectionOptions.Definition"/> overrides
/// the record's attributes (required for dynamic collections). <see cref="VectorStoreCollectionOptions.EmbeddingGenerator"/> is
/// not supported: the store holds vectors the caller computed (wrap it in <c>RefinedVectorSearch</c> to search by text).
/// </summary>
public sealed class SqliteCollectionOptions : VectorStoreCollectionOptions
{
    public SqliteCollectionOptions()
    {
    }

    public SqliteCollectionOptions(SqliteCollectionOptions? source)
        : base(source)
    {
    }
}
