using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.VectorData;
using Npgsql;
using Pgvector;
using RefineMemory.Memory;
using RefineMemory.Search;

namespace RefineMemory.Postgres;

/// <summary>
/// A memory collection's chunks searched inside PostgreSQL: one statement per search orders the collection's
/// chunks by cosine distance to the query (<c>ORDER BY embedding::vector(D) &lt;=&gt; $q LIMIT top OFFSET skip</c>),
/// served by the collection's partial HNSW index (<see cref="IndexDefinition"/>) unless
/// <see cref="PostgresMemoryStoreOptions.ExactSearch"/> turns index scans off. Scores are cosine similarity
/// (<c>1 - distance</c>, higher first). The filter is <see cref="MemoryRecord.HasTag"/> calls joined by <c>&amp;&amp;</c>,
/// translated to <c>metadata @&gt; jsonb</c>; nothing of the collection is held in the process.
/// </summary>
internal sealed class PostgresMemoryChunks : IVectorSearchable<MemoryRecord>
{
    /// <summary>pgvector's largest <c>hnsw.ef_search</c>.</summary>
    public const int MaxEfSearch = 1000;

    /// <summary>pgvector's largest dimension an HNSW index over <c>vector</c> takes; larger collections are searched exactly.</summary>
    public const int MaxIndexedDimension = 2000;

    private readonly PostgresMemoryStore _store;
    private readonly string _collection;
    private readonly int _dimension;

    public PostgresMemoryChunks(PostgresMemoryStore store, string collection, int dimension)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        _store = store;
        _collection = collection;
        _dimension = dimension;
    }

    /// <summary>
    /// The search statement (also what the tests EXPLAIN); its parameters are <see cref="Parameters"/>. An exact
    /// search orders equal scores by chunk (bytewise, as SQLite does), so both stores give the same ranking; the
    /// approximate one orders by distance alone, which is what the HNSW index can serve (ties come in its order).
    /// </summary>
    internal string SearchSql(bool includeVectors, bool filtered)
    {
        string distance = $"c.embedding::vector({_dimension.ToString(CultureInfo.InvariantCulture)}) <=> $1";
        return $"""
            SELECT c.document_id, c.ordinal, c.text, d.source, d.metadata::text, 1 - ({distance}) AS score{(includeVectors ? ", c.embedding" : "")}
            FROM {_store.Table("chunks")} c JOIN {_store.Table("documents")} d ON d.collection = c.collection AND d.id = c.document_id
            WHERE c.collection = {PostgresSql.Literal(_collection)}{(filtered ? " AND d.metadata @> $4::jsonb" : "")}
            ORDER BY {distance}{(_store.ExactSearch ? ", c.document_id COLLATE \"C\", c.ordinal" : "")}
            LIMIT $2 OFFSET $3
            """;
    }

    /// <summary>
    /// The settings of one search, as <c>set_config(..., is_local: true)</c> (SET LOCAL) inside its transaction:
    /// <c>hnsw.ef_search</c> at least max(<see cref="MinEfSearch"/>, top + skip) (pgvector's cap 1000); pgvector 0.8's iterative scan when a
    /// filter may drop candidates or more than 1000 are wanted, so the top is still filled; index scans off for an
    /// exact search.
    /// </summary>
    internal (string Sql, object[] Values) SettingsSql(int top, int skip, bool filtered)
    {
        int ef = (int)Math.Clamp(Math.Max(MinEfSearch, (long)top + skip), MinEfSearch, MaxEfSearch);
        return ("SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', $2, true), set_config('enable_indexscan', $3, true)",
            [ef.ToString(CultureInfo.InvariantCulture), filtered || (long)top + skip > MaxEfSearch ? "strict_order" : "off", _store.ExactSearch ? "off" : "on"]);
    }

    /// <summary>
    /// The least <c>hnsw.ef_search</c> (100, the connector's default): recall@10 0.99 at 100k and on CLINC150 where
    /// pgvector's 40 gave 0.90 (docs/scale.md).
    /// </summary>
    internal const int MinEfSearch = 100;

    internal static object[] Parameters(ReadOnlyMemory<float> query, int top, int skip, string? tags) =>
        tags is null ? [new Vector(query), top, skip] : [new Vector(query), top, skip, tags];

    /// <inheritdoc />
    public async IAsyncEnumerable<VectorSearchResult<MemoryRecord>> SearchAsync<TInput>(
        TInput searchValue, int top, VectorSearchOptions<MemoryRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        options ??= new VectorSearchOptions<MemoryRecord>();
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip);
        var query = ChunkQuery.Vector(searchValue, _collection, _dimension);
        string? tags = Tags(options.Filter);
        bool include = options.IncludeVectors;
        // RunAsync holds the transaction (with the lock and statement timeouts) that SET LOCAL below needs.
        var rows = await _store.RunAsync(_collection, "Search", async (conn, ct) =>
        {
            var (settingsSql, settings) = SettingsSql(top, options.Skip, tags is not null);
            using (var set = _store.Command(conn, settingsSql, settings))
            {
                await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var results = new List<VectorSearchResult<MemoryRecord>>(top);
            using (var cmd = _store.Command(conn, SearchSql(include, tags is not null), Parameters(query, top, options.Skip, tags)))
            using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    results.Add(new VectorSearchResult<MemoryRecord>(Read(reader, include ? 6 : -1), reader.GetDouble(5)));
                }
            }

            return results;
        }, cancellationToken).ConfigureAwait(false);

        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (options.ScoreThreshold is { } threshold && row.Score < threshold)
            {
                yield break; // best first: every later row scores lower
            }

            yield return row;
        }
    }

    /// <summary>Reads one chunk by its id (<c>{DocumentId}#{Ordinal}</c>); <c>null</c> when there is none.</summary>
    public Task<MemoryRecord?> GetAsync(string id, bool includeEmbedding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        int hash = id.LastIndexOf('#');
        if (hash <= 0 || !int.TryParse(id.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int ordinal))
        {
            return Task.FromResult<MemoryRecord?>(null);
        }

        return _store.RunAsync(_collection, "Get", async (conn, ct) =>
        {
            using var cmd = _store.Command(conn, $"""
                SELECT c.document_id, c.ordinal, c.text, d.source, d.metadata::text{(includeEmbedding ? ", c.embedding" : "")}
                FROM {_store.Table("chunks")} c JOIN {_store.Table("documents")} d ON d.collection = c.collection AND d.id = c.document_id
                WHERE c.collection = $1 AND c.document_id = $2 AND c.ordinal = $3
                """, _collection, id[..hash], ordinal);
            using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? Read(reader, includeEmbedding ? 5 : -1) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? new VectorStoreCollectionMetadata { CollectionName = _collection, VectorStoreSystemName = "postgresql" }
            : serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>
    /// The name and statement of the collection's HNSW index: partial (this collection's rows only) over the
    /// expression <c>embedding::vector(D)</c>, since the column holds vectors of every collection's dimension.
    /// The name is derived from a hash of the collection name (any text), so it is always a valid identifier.
    /// </summary>
    internal static (string Name, string Sql) IndexDefinition(PostgresMemoryStore store, string collection, int dimension)
    {
        string d = dimension.ToString(CultureInfo.InvariantCulture);
        string name = "refine_memory_chunks_hnsw_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(collection)).AsSpan(0, 8)) + "_" + d;
        return (name, $"CREATE INDEX IF NOT EXISTS {PostgresSql.Quote(name)} ON {store.Table("chunks")} USING hnsw ((embedding::vector({d})) vector_cosine_ops) WHERE collection = {PostgresSql.Literal(collection)}");
    }

    private static MemoryRecord Read(NpgsqlDataReader reader, int embeddingColumn)
    {
        string documentId = reader.GetString(0);
        int ordinal = reader.GetInt32(1);
        var metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(4)) ?? [];
        var record = new MemoryRecord(MemoryRecord.ChunkId(documentId, ordinal), documentId, ordinal, reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), metadata);
        return embeddingColumn < 0 ? record : record with { Embedding = reader.GetFieldValue<Vector>(embeddingColumn).Memory };
    }

    /// <summary>The filter as a jsonb object for <c>metadata @&gt;</c>, or <c>null</c> for none.</summary>
    internal string? Tags(Expression<Func<MemoryRecord, bool>>? filter)
    {
        if (filter is null)
        {
            return null;
        }

        if (!TagConditions.TryRead(filter, out var conditions, out string? why))
        {
            throw Unsupported(why!);
        }

        // Two values for one key match nothing: a number, which no (string) tag value equals.
        return conditions.MatchesNothing
            ? JsonSerializer.Serialize(new Dictionary<string, int> { [conditions.Tags.Keys.First()] = 0 })
            : JsonSerializer.Serialize(conditions.Tags);
    }

    private NotSupportedException Unsupported(string why) => new(
        $"The filter of memory collection '{_collection}' cannot be translated to SQL: {why}. " +
        "PostgreSQL memory collections take HasTag(key, value) calls with constant strings, joined by &&.");
}
