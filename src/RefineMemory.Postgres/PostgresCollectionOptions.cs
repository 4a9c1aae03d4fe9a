using Microsoft.Extensions.VectorData;

namespace RefineMemory.Postgres;

/// <summary>
/// Settings of a <see cref="PostgresCollection{TKey, TRecord}"/>. The index kind and distance function of a vector
/// property come from its attribute or definition (<see cref="IndexKind.Hnsw"/> or <see cref="IndexKind.Flat"/>;
/// default HNSW with cosine similarity); these options tune them.
/// </summary>
public sealed class PostgresCollectionOptions : VectorStoreCollectionOptions
{
    /// <summary>Creates options with the documented defaults.</summary>
    public PostgresCollectionOptions() { }

    /// <summary>Copies every setting of <paramref name="source"/>; the documented defaults when it is <c>null</c>.</summary>
    public PostgresCollectionOptions(PostgresCollectionOptions? source)
        : base(source ?? new PostgresCollectionOptions())
    {
        source ??= new PostgresCollectionOptions();
        Schema = source.Schema;
        HnswM = source.HnswM;
        HnswEfConstruction = source.HnswEfConstruction;
        EfSearch = source.EfSearch;
        UseHalfVectors = source.UseHalfVectors;
        CommandTimeoutSeconds = source.CommandTimeoutSeconds;
    }

    /// <summary>The PostgreSQL schema of the collection's table. Default "public".</summary>
    public string Schema { get; set; } = "public";

    /// <summary>HNSW: neighbours per node (pgvector's <c>m</c>). Default 16 (pgvector's default).</summary>
    public int HnswM { get; set; } = 16;

    /// <summary>HNSW: candidate list size while building (<c>ef_construction</c>). Default 64 (pgvector's default).</summary>
    public int HnswEfConstruction { get; set; } = 64;

    /// <summary>
    /// HNSW: candidate list size per search (<c>hnsw.ef_search</c>, set for each query; at least the number of
    /// results asked for). Default 100, chosen from the recall measurements in docs/scale.md.
    /// </summary>
    public int EfSearch { get; set; } = 100;

    /// <summary>Store vectors as <c>halfvec(d)</c> (16-bit floats: half the space, slightly lower precision). Default false.</summary>
    public bool UseHalfVectors { get; set; }

    /// <summary>Seconds a statement may run before the server cancels it (<c>statement_timeout</c>). Default 30.</summary>
    public int CommandTimeoutSeconds { get; set; } = 30;

    internal void Validate()
    {
        PostgresSql.CheckName(Schema, "schema");
        ArgumentOutOfRangeException.ThrowIfLessThan(HnswM, 2, nameof(HnswM));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HnswM, 100, nameof(HnswM));
        ArgumentOutOfRangeException.ThrowIfLessThan(HnswEfConstruction, 2 * HnswM, nameof(HnswEfConstruction));
        ArgumentOutOfRangeException.ThrowIfLessThan(EfSearch, 1, nameof(EfSearch));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(EfSearch, 1000, nameof(EfSearch));
        ArgumentOutOfRangeException.ThrowIfLessThan(CommandTimeoutSeconds, 1, nameof(CommandTimeoutSeconds));
    }
}
