using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;
using Npgsql;
using NpgsqlTypes;

namespace RefineMemory.Postgres;

/// <summary>
/// A VectorData collection in one PostgreSQL table: the key as primary key, data properties as columns (lists as
/// arrays with a GIN index when indexed), vectors as <c>vector(d)</c> or <c>halfvec(d)</c> with an HNSW index
/// (or none, for exact search, with <see cref="IndexKind.Flat"/>). Batches are upserted through binary COPY in one
/// transaction; every value is a parameter and every identifier is checked and quoted. A call that loses its
/// connection (server restarted) is retried once on a fresh one.
/// </summary>
public class PostgresCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
    where TKey : notnull
    where TRecord : class
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresCollectionOptions _options;
    private readonly CollectionModel _model;
    private readonly string _table;
    private readonly string _where;
    private readonly VectorStoreCollectionMetadata _metadata;

    /// <summary>The collection (table) <paramref name="name"/> on <paramref name="dataSource"/>, which must map pgvector's types.</summary>
    public PostgresCollection(NpgsqlDataSource dataSource, string name, PostgresCollectionOptions? options = null)
        : this(dataSource, name, options, static (b, o) => b.Build(typeof(TRecord), typeof(TKey), o.Definition, o.EmbeddingGenerator))
    {
    }

    internal PostgresCollection(NpgsqlDataSource dataSource, string name, PostgresCollectionOptions? options, Func<PostgresModelBuilder, PostgresCollectionOptions, CollectionModel> buildModel)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        PostgresSql.CheckName(name, "collection");
        _options = new PostgresCollectionOptions(options);
        _options.Validate();
        _dataSource = dataSource;
        Name = name;
        _model = buildModel(new PostgresModelBuilder(), _options);
        _table = PostgresSql.Table(_options.Schema, name);
        _where = $"{PostgresSql.Quote(_model.KeyProperty.StorageName)} = ANY($1)";
        _metadata = new VectorStoreCollectionMetadata { VectorStoreSystemName = "postgresql", VectorStoreName = PostgresFailures.Describe(dataSource), CollectionName = name };
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) =>
        RunAsync("CollectionExists", (conn, ct) => PostgresCatalog.ExistsAsync(conn, _options.Schema, Name, ct), cancellationToken);

    /// <inheritdoc />
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default) =>
        RunAsync("EnsureCollectionExists", async (conn, ct) =>
        {
            await PostgresCatalog.CreateAsync(conn, _options.Schema, Name, CreateStatements(), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) =>
        RunAsync("EnsureCollectionDeleted", async (conn, ct) =>
        {
            await PostgresCatalog.DropAsync(conn, _options.Schema, Name, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public override async Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await foreach (var record in GetAsync([key], options, cancellationToken).ConfigureAwait(false))
        {
            return record;
        }

        return null;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(IEnumerable<TKey> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var keyArray = KeyArray(keys);
        if (keyArray.Length == 0)
        {
            yield break;
        }

        var properties = Selected(options?.IncludeVectors ?? false);
        var records = await QueryAsync("Get", $"SELECT {Columns(properties)} FROM {_table} WHERE {_where}", [keyArray], properties, null, cancellationToken).ConfigureAwait(false);
        foreach (var (record, _) in records)
        {
            yield return record;
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options.Skip));
        var values = new List<object?>();
        string condition = PostgresFilterTranslator.Translate(filter, _model, values);
        var order = new StringBuilder();
        foreach (var sort in options.OrderBy?.Invoke(new()).Values ?? [])
        {
            order.Append(order.Length == 0 ? " ORDER BY " : ", ")
                .Append(PostgresSql.Quote(_model.GetDataOrKeyProperty(sort.PropertySelector).StorageName))
                .Append(sort.Ascending ? " ASC" : " DESC");
        }

        var properties = Selected(options.IncludeVectors);
        values.Add(top);
        values.Add(options.Skip);
        string sql = string.Create(CultureInfo.InvariantCulture, $"SELECT {Columns(properties)} FROM {_table} WHERE {condition}{order} LIMIT ${values.Count - 1} OFFSET ${values.Count}");
        var records = await QueryAsync("GetFiltered", sql, values, properties, null, cancellationToken).ConfigureAwait(false);
        foreach (var (record, _) in records)
        {
            yield return record;
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return DeleteAsync([key], cancellationToken);
    }

    /// <inheritdoc />
    public override Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var keyArray = KeyArray(keys);
        return keyArray.Length == 0 ? Task.CompletedTask : RunAsync("Delete", async (conn, ct) =>
        {
            using var cmd = Command(conn, $"DELETE FROM {_table} WHERE {_where}", [keyArray]);
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc />
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var list = records.ToList();
        if (list.Count == 0)
        {
            return;
        }

        var generated = await GenerateEmbeddingsAsync(list, cancellationToken).ConfigureAwait(false);
        var rows = new object?[list.Count][];
        for (int r = 0; r < list.Count; r++)
        {
            ArgumentNullException.ThrowIfNull(list[r], nameof(records));
            rows[r] = new object?[_model.Properties.Count];
            for (int p = 0; p < _model.Properties.Count; p++)
            {
                var property = _model.Properties[p];
                rows[r][p] = generated.TryGetValue(property, out var embeddings)
                    ? PostgresRecordMapper.ToVector(((Embedding<float>)embeddings[r]).Vector, (VectorPropertyModel)property, _options.UseHalfVectors, Name)
                    : PostgresRecordMapper.ToColumn(property, list[r], _options.UseHalfVectors, Name);
            }
        }

        await RunAsync("Upsert", (conn, ct) => PostgresBulkUpsert.RunAsync(conn, _table, _model, ColumnTypes(), rows, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options.Skip));
        var vectorProperty = _model.GetVectorPropertyOrSingle(options);
        var query = await QueryVectorAsync(searchValue, vectorProperty, cancellationToken).ConfigureAwait(false);
        var distance = PostgresDistance.For(vectorProperty);
        var values = new List<object?> { PostgresRecordMapper.ToVector(query, vectorProperty, _options.UseHalfVectors, Name) };
        string column = PostgresSql.Quote(vectorProperty.StorageName);
        string condition = options.Filter is null ? "" : " WHERE " + PostgresFilterTranslator.Translate(options.Filter, _model, values);
        values.Add(top);
        values.Add(options.Skip);
        var properties = Selected(options.IncludeVectors);
        string sql = string.Create(CultureInfo.InvariantCulture,
            $"SELECT {Columns(properties)}, {column} {distance.Operator} $1 FROM {_table}{condition} ORDER BY {column} {distance.Operator} $1 LIMIT ${values.Count - 1} OFFSET ${values.Count}");
        int? efSearch = IsHnsw(vectorProperty) ? Math.Clamp(Math.Max(_options.EfSearch, top + options.Skip), 1, 1000) : null;
        var rows = await QueryAsync("Search", sql, values, properties, efSearch is null ? null : new SearchSettings(efSearch.Value, options.Filter is not null), cancellationToken).ConfigureAwait(false);
        foreach (var (record, raw) in rows)
        {
            double score = distance.Score(raw!.Value);
            if (options.ScoreThreshold is { } threshold && !distance.Passes(score, threshold))
            {
                yield break; // rows come best first, so every later one fails too
            }

            yield return new VectorSearchResult<TRecord>(record, score);
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? _metadata
            : serviceType == typeof(NpgsqlDataSource) ? _dataSource
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>The statements that create the table and its indexes (run under the catalog's lock).</summary>
    internal IReadOnlyList<string> CreateStatements()
    {
        var columns = _model.Properties.Select((p, i) => $"{PostgresSql.Quote(p.StorageName)} {ColumnTypes()[i]}{(p is KeyPropertyModel ? " PRIMARY KEY" : "")}");
        var statements = new List<string> { $"CREATE TABLE IF NOT EXISTS {_table} ({string.Join(", ", columns)})" };
        foreach (var vector in _model.VectorProperties.Where(IsHnsw))
        {
            string ops = (_options.UseHalfVectors ? "halfvec" : "vector") + PostgresDistance.For(vector).OperatorClass;
            statements.Add(string.Create(CultureInfo.InvariantCulture,
                $"CREATE INDEX IF NOT EXISTS {PostgresSql.Quote(Name + "_" + vector.StorageName + "_hnsw")} ON {_table} USING hnsw ({PostgresSql.Quote(vector.StorageName)} {ops}) WITH (m = {_options.HnswM}, ef_construction = {_options.HnswEfConstruction})"));
        }

        foreach (var data in _model.DataProperties.Where(d => d.IsIndexed))
        {
            string method = PostgresModelBuilder.ElementType(data.Type) is null ? "btree" : "gin";
            statements.Add($"CREATE INDEX IF NOT EXISTS {PostgresSql.Quote(Name + "_" + data.StorageName + "_" + method)} ON {_table} USING {method} ({PostgresSql.Quote(data.StorageName)})");
        }

        return statements;
    }

    private bool IsHnsw(VectorPropertyModel vector) => vector.IndexKind switch
    {
        null or IndexKind.Hnsw => true,
        IndexKind.Flat => false,
        _ => throw new NotSupportedException($"Vector property '{vector.ModelName}' asks for index kind '{vector.IndexKind}'; the PostgreSQL connector offers {IndexKind.Hnsw} and {IndexKind.Flat}."),
    };

    private string[] ColumnTypes() => [.. _model.Properties.Select(p => p is VectorPropertyModel v
        ? string.Create(CultureInfo.InvariantCulture, $"{(_options.UseHalfVectors ? "halfvec" : "vector")}({v.Dimensions})")
        : PostgresModelBuilder.ColumnType(p is KeyPropertyModel && p.Type == typeof(object) ? typeof(string) : p.Type))];

    private List<PropertyModel> Selected(bool includeVectors) => [.. _model.Properties.Where(p => includeVectors || p is not VectorPropertyModel)];

    private static string Columns(List<PropertyModel> properties) => string.Join(", ", properties.Select(p => PostgresSql.Quote(p.StorageName)));

    private Array KeyArray(IEnumerable<TKey> keys)
    {
        var list = keys.ToList();
        Type type = _model.KeyProperty.Type == typeof(object) ? (list.FirstOrDefault()?.GetType() ?? typeof(string)) : _model.KeyProperty.Type;
        var array = Array.CreateInstance(type, list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            object key = list[i] ?? throw new ArgumentException("A key is null.", nameof(keys));
            array.SetValue(key.GetType() == type ? key : throw new ArgumentException($"Key '{key}' is a {key.GetType().Name}; collection '{Name}' has {type.Name} keys.", nameof(keys)), i);
        }

        return array;
    }

    private async Task<Dictionary<PropertyModel, IList<Embedding>>> GenerateEmbeddingsAsync(List<TRecord> records, CancellationToken cancellationToken)
    {
        var generated = new Dictionary<PropertyModel, IList<Embedding>>();
        foreach (var vector in _model.VectorProperties.Where(v => v.EmbeddingGenerator is not null && !PostgresModelBuilder.IsVectorType(v.Type)))
        {
            var embeddings = await vector.GenerateEmbeddingsAsync(records.Select(r => vector.GetValueAsObject(r)), cancellationToken).ConfigureAwait(false);
            generated[vector] = [.. embeddings];
        }

        return generated;
    }

    private async Task<ReadOnlyMemory<float>> QueryVectorAsync<TInput>(TInput searchValue, VectorPropertyModel vector, CancellationToken cancellationToken)
    {
        switch (searchValue)
        {
            case ReadOnlyMemory<float> m: return m;
            case float[] a: return a;
            case Embedding<float> e: return e.Vector;
        }

        if (vector.EmbeddingGenerator is null)
        {
            throw new NotSupportedException($"Collection '{Name}' searches with ReadOnlyMemory<float>, float[] or Embedding<float>; a {typeof(TInput).Name} needs an embedding generator in the collection's options.");
        }

        var embedding = await vector.GenerateEmbeddingAsync(searchValue, cancellationToken).ConfigureAwait(false);
        return ((Embedding<float>)embedding).Vector;
    }

    private NpgsqlCommand Command(NpgsqlConnection conn, string sql, IEnumerable<object?> values)
    {
        var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = _options.CommandTimeoutSeconds };
        foreach (object? value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return cmd;
    }

    private sealed record SearchSettings(int EfSearch, bool Filtered);

    private Task<List<(TRecord Record, double? Distance)>> QueryAsync(string operation, string sql, IEnumerable<object?> values, List<PropertyModel> properties, SearchSettings? search, CancellationToken cancellationToken) =>
        RunAsync(operation, async (conn, ct) =>
        {
            using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            if (search is not null)
            {
                // Per query, inside the transaction (SET LOCAL semantics): the candidate list size, and for filtered
                // searches pgvector 0.8's iterative scan, so a selective filter still fills the requested top.
                using var set = Command(conn, "SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', $2, true)",
                    [search.EfSearch.ToString(CultureInfo.InvariantCulture), search.Filtered ? "strict_order" : "off"]);
                await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            using var cmd = Command(conn, sql, values);
            var results = new List<(TRecord, double?)>();
            using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var record = PostgresRecordMapper.ToRecord<TRecord>(_model, properties, reader);
                    results.Add((record, reader.FieldCount > properties.Count ? reader.GetDouble(properties.Count) : null));
                }
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            return results;
        }, cancellationToken);

    private Task<T> RunAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        PostgresConnections.RunAsync(_dataSource, Name, operation, work, cancellationToken);
}
