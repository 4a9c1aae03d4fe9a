using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using RefineMemory.Memory;

namespace RefineMemory.Postgres;

/// <summary>
/// One ingest's PostgreSQL side (<see cref="MemoryIngestor"/> does the rest): reads what the tables hold, and commits
/// each batch of whole documents in one transaction (chunks by binary COPY) under the collection's advisory lock.
/// </summary>
internal sealed class PostgresIngestTarget(PostgresMemoryStore store, string collection) : IIngestTarget
{
    public Task<StoredCollection?> ReadCollectionAsync(CancellationToken cancellationToken) =>
        store.RunWriteAsync(collection, "Ingest", async (conn, ct) =>
        {
            using var cmd = store.Command(conn, $"SELECT dimension, embedding_model FROM {store.Table("collections")} WHERE name = $1", collection);
            using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new StoredCollection(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1))
                : null;
        }, cancellationToken);

    public Task<IReadOnlyDictionary<string, StoredDocument>> ReadDocumentsAsync(CancellationToken cancellationToken) =>
        store.RunWriteAsync<IReadOnlyDictionary<string, StoredDocument>>(collection, "Ingest", async (conn, ct) =>
        {
            var documents = new Dictionary<string, StoredDocument>(StringComparer.Ordinal);
            using var cmd = store.Command(conn, $"SELECT id, content_hash, chunk_count FROM {store.Table("documents")} WHERE collection = $1", collection);
            using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                documents[reader.GetString(0)] = new StoredDocument(reader.GetString(1), reader.GetInt32(2));
            }

            return documents;
        }, cancellationToken);

    public Task<IReadOnlyDictionary<string, float[]>> ReadVectorsAsync(IReadOnlyCollection<string> textHashes, CancellationToken cancellationToken) =>
        store.RunWriteAsync<IReadOnlyDictionary<string, float[]>>(collection, "Ingest", async (conn, ct) =>
        {
            var found = new Dictionary<string, float[]>(StringComparer.Ordinal);
            using var cmd = store.Command(conn, $"SELECT DISTINCT ON (text_hash) text_hash, embedding FROM {store.Table("chunks")} WHERE collection = $1 AND text_hash = ANY($2)", collection, textHashes.ToArray());
            using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                found[reader.GetString(0)] = reader.GetFieldValue<Vector>(1).ToArray();
            }

            return found;
        }, cancellationToken);

    public Task CommitAsync(IngestBatch batch, CancellationToken cancellationToken) =>
        store.RunWriteAsync(collection, "Ingest", async (conn, ct) =>
        {
            using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            await ExecuteAsync(conn, "SELECT pg_advisory_xact_lock(hashtext('refine_memory:' || $1))", ct, collection).ConfigureAwait(false);
            await EnsureCollectionAsync(conn, batch, ct).ConfigureAwait(false);
            var docs = batch.Documents;
            long replaced;
            using (var before = store.Command(conn, $"SELECT COALESCE(SUM(chunk_count), 0) FROM {store.Table("documents")} WHERE collection = $1 AND id = ANY($2)", collection, docs.Select(p => p.Document.Id).ToArray()))
            {
                replaced = (long)(await before.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            }

            await ExecuteAsync(conn, $"DELETE FROM {store.Table("chunks")} WHERE collection = $1 AND document_id = ANY($2)", ct, collection, docs.Select(p => p.Document.Id).ToArray()).ConfigureAwait(false);
            await ExecuteAsync(conn, $"""
                INSERT INTO {store.Table("documents")} (collection, id, source, metadata, content_hash, chunk_count)
                SELECT $1, * FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::text[], $6::integer[])
                ON CONFLICT (collection, id) DO UPDATE SET source = EXCLUDED.source, metadata = EXCLUDED.metadata,
                    content_hash = EXCLUDED.content_hash, chunk_count = EXCLUDED.chunk_count
                """, ct, collection, docs.Select(p => p.Document.Id).ToArray(), docs.Select(p => p.Document.Source).ToArray(),
                docs.Select(p => JsonSerializer.Serialize(p.Document.Metadata)).ToArray(), docs.Select(p => p.ContentHash).ToArray(), docs.Select(p => p.Chunks.Count).ToArray()).ConfigureAwait(false);
            await CopyChunksAsync(conn, docs, ct).ConfigureAwait(false);
            // The chunk count is kept in the collection's row, so opening a collection never sums its documents.
            await ExecuteAsync(conn, $"""
                UPDATE {store.Table("collections")} SET generation = generation + 1, chunk_count = CASE WHEN chunk_count IS NULL
                    THEN (SELECT COALESCE(SUM(d.chunk_count), 0) FROM {store.Table("documents")} d WHERE d.collection = $1) ELSE chunk_count + $2 END
                WHERE name = $1
                """, ct, collection, docs.Sum(p => (long)p.Chunks.Count) - replaced).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<int> DeleteMissingAsync(string sourcePrefix, IReadOnlyCollection<string> keep, CancellationToken cancellationToken) =>
        store.RunWriteAsync(collection, "Mirror", async (conn, ct) =>
        {
            using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            await ExecuteAsync(conn, "SELECT pg_advisory_xact_lock(hashtext('refine_memory:' || $1))", ct, collection).ConfigureAwait(false);
            // left(), not LIKE: a folder name may hold % or _. Chunks go with their documents (ON DELETE CASCADE).
            long deleted, chunks;
            using (var delete = store.Command(conn, $"""
                WITH gone AS (DELETE FROM {store.Table("documents")} WHERE collection = $1 AND left(source, length($2)) = $2 AND NOT (id = ANY($3)) RETURNING chunk_count)
                SELECT COUNT(*), COALESCE(SUM(chunk_count), 0) FROM gone
                """, collection, sourcePrefix, keep.ToArray()))
            using (var reader = await delete.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                await reader.ReadAsync(ct).ConfigureAwait(false);
                (deleted, chunks) = (reader.GetInt64(0), reader.GetInt64(1));
            }

            if (deleted > 0)
            {
                await ExecuteAsync(conn, $"UPDATE {store.Table("collections")} SET generation = generation + 1, chunk_count = chunk_count - $2 WHERE name = $1", ct, collection, chunks).ConfigureAwait(false);
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            return checked((int)deleted);
        }, cancellationToken);

    private async Task CopyChunksAsync(NpgsqlConnection conn, IReadOnlyList<IngestedDocument> documents, CancellationToken ct)
    {
        using var writer = await conn.BeginBinaryImportAsync($"COPY {store.Table("chunks")} (collection, document_id, ordinal, text, text_hash, embedding) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        foreach (var p in documents)
        {
            for (int i = 0; i < p.Chunks.Count; i++)
            {
                await writer.StartRowAsync(ct).ConfigureAwait(false);
                await writer.WriteAsync(collection, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.Document.Id, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await writer.WriteAsync(i, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.Chunks[i], NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await writer.WriteAsync(p.ChunkHashes[i], NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await writer.WriteAsync(new Vector(p.Vectors[i]), "vector", ct).ConfigureAwait(false);
            }
        }

        await writer.CompleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Creates the collection row if it is absent (first writer wins) and checks this batch's dimension against it.</summary>
    private async Task EnsureCollectionAsync(NpgsqlConnection conn, IngestBatch batch, CancellationToken ct)
    {
        await ExecuteAsync(conn, $"INSERT INTO {store.Table("collections")} (name, dimension, instruction, template, embedding_model) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING",
            ct, collection, batch.Dimension, batch.Instruction, batch.InstructionTemplate, batch.EmbeddingModel).ConfigureAwait(false);
        using var read = store.Command(conn, $"SELECT dimension FROM {store.Table("collections")} WHERE name = $1", collection);
        int stored = (int)(await read.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        if (stored != batch.Dimension)
        {
            throw new DimensionMismatchException($"The embeddings of this ingest (collection '{collection}')", stored, batch.Dimension);
        }
    }

    private async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params object?[] values)
    {
        using var cmd = store.Command(conn, sql, values);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
