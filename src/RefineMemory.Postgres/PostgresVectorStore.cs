using Microsoft.Extensions.VectorData;
using Npgsql;
using Pgvector.Npgsql;

namespace RefineMemory.Postgres;

/// <summary>
/// PostgreSQL + pgvector as a VectorData store: collections are tables of one schema, listed in its
/// <c>refine_collections</c> catalog. Build the <see cref="NpgsqlDataSource"/> with
/// <see cref="CreateDataSource(string)"/> (it maps pgvector's types), or pass one built with <c>UseVector()</c>.
/// </summary>
public sealed class PostgresVectorStore : VectorStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgresCollectionOptions _defaults;
    private readonly VectorStoreMetadata _metadata;

    /// <param name="dataSource">Connections; must map pgvector types (<c>NpgsqlDataSourceBuilder.UseVector()</c>).</param>
    /// <param name="defaults">Options every collection starts from (schema, HNSW settings, timeout). Default: <see cref="PostgresCollectionOptions"/>' defaults.</param>
    /// <param name="ownsDataSource">Whether disposing the store disposes <paramref name="dataSource"/>. Default false.</param>
    public PostgresVectorStore(NpgsqlDataSource dataSource, PostgresCollectionOptions? defaults = null, bool ownsDataSource = false)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _defaults = new PostgresCollectionOptions(defaults);
        _defaults.Validate();
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _metadata = new VectorStoreMetadata { VectorStoreSystemName = "postgresql", VectorStoreName = PostgresFailures.Describe(dataSource) };
    }

    /// <summary>A store over its own data source for <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    public PostgresVectorStore(string connectionString, PostgresCollectionOptions? defaults = null)
        : this(CreateDataSource(connectionString), defaults, ownsDataSource: true)
    {
    }

    /// <summary>A data source for <paramref name="connectionString"/> with pgvector's types mapped.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return builder.Build();
    }

    /// <inheritdoc />
    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        new PostgresCollection<TKey, TRecord>(_dataSource, name, Options(definition));

    /// <inheritdoc />
    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new PostgresDynamicCollection(_dataSource, name, Options(definition));
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var names = await PostgresConnections.RunAsync(_dataSource, null, "ListCollectionNames", (conn, ct) => PostgresCatalog.ListAsync(conn, _defaults.Schema, ct), cancellationToken).ConfigureAwait(false);
        foreach (string name in names)
        {
            yield return name;
        }
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        PostgresSql.CheckName(name, "collection");
        return PostgresConnections.RunAsync(_dataSource, name, "CollectionExists", (conn, ct) => PostgresCatalog.ExistsAsync(conn, _defaults.Schema, name, ct), cancellationToken);
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        PostgresSql.CheckName(name, "collection");
        return PostgresConnections.RunAsync(_dataSource, name, "EnsureCollectionDeleted", async (conn, ct) =>
        {
            await PostgresCatalog.DropAsync(conn, _defaults.Schema, name, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? _metadata
            : serviceType == typeof(NpgsqlDataSource) ? _dataSource
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsDataSource)
        {
            _dataSource.Dispose();
        }

        base.Dispose(disposing);
    }

    private PostgresCollectionOptions Options(VectorStoreCollectionDefinition? definition) => new(_defaults) { Definition = definition ?? _defaults.Definition };
}
