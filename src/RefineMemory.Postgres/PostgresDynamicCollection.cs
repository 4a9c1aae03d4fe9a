using Microsoft.Extensions.VectorData;

namespace RefineMemory.Postgres;

/// <summary>A collection of <c>Dictionary&lt;string, object?&gt;</c> records whose shape comes from a <see cref="VectorStoreCollectionDefinition"/>.</summary>
public sealed class PostgresDynamicCollection : PostgresCollection<object, Dictionary<string, object?>>
{
    /// <summary>The collection <paramref name="name"/> of dictionary records, with the record definition in <paramref name="options"/>.</summary>
    public PostgresDynamicCollection(Npgsql.NpgsqlDataSource dataSource, string name, PostgresCollectionOptions options)
        : base(dataSource, name, options, static (b, o) => b.BuildDynamic(
            o.Definition ?? throw new ArgumentException("A dynamic collection needs PostgresCollectionOptions.Definition (its key, data and vector properties).", nameof(options)),
            o.EmbeddingGenerator))
    {
    }
}
