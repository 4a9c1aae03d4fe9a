using Microsoft.Extensions.VectorData;

namespace RefineMemory.Sqlite.VectorData;

/// <summary>
/// Settings of a <see cref="SqliteCollection{TKey, TRecord}"/>. <see cref="VectorStoreCollectionOptions.Definition"/> overrides
/// the record's attributes (required for dynamic collections). <see cref="VectorStoreCollectionOptions.EmbeddingGenerator"/> is
/// not supported: the store holds vectors the caller computed (wrap it in <c>RefinedVectorSearch</c> to search by text).
/// </summary>
public sealed class SqliteCollectionOptions : VectorStoreCollectionOptions
{
    /// <summary>Creates options with the documented defaults.</summary>
    public SqliteCollectionOptions()
    {
    }

    /// <summary>Copies every setting of <paramref name="source"/>; the documented defaults when it is <c>null</c>.</summary>
    public SqliteCollectionOptions(SqliteCollectionOptions? source)
        : base(source)
    {
    }
}
