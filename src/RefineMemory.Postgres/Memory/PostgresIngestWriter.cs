using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using RefineMemory.Memory;

namespace RefineMemory.Postgres;

/// <summary>
/// One ingest into PostgreSQL: skips documents whose content hash is unchanged, chunks the rest, reuses stored
/// embeddings of chunk texts already in the collection, embeds the others, and commits each batch of whole
/// documents in one transaction (chunks by binary COPY) under the collection's advisory lock.
/// </summary>
internal sealed class PostgresIngestWriter(PostgresMemoryStore store, string collection, IngestOptions options, IProgress<IngestProgress>? progress)
{
    private int _done;
    private int _total;
    private int _embedded;
    private int _reused;
    private int? _dimension;

    private sealed record Pending(MemoryDocument Document, string Hash, IReadOnlyList<string> Chunks, bool Exists)
    {
        public float[][] Vectors { get; } = new float[Chunks.Count][];
    }

    public async Task<IngestResult> RunAsync(IReadOnlyList<MemoryDocument> documents, Stopwatch timer, CancellationToken ct)
    {
        var latest = new Dictionary<string, MemoryDocument>(StringComparer.Ordinal); // a document given twice counts once: the last copy
        foreach (var d in documents)
        {
            ArgumentNullException.ThrowIfNull(d, nameof(documents));
            latest[d.Id] = d;
        }

        var existing = await store.RunAsync(collection, "Ingest", ReadHashesAsync, ct).ConfigureAwait(false);
        _total = latest.Count;
        int unchanged = 0;
        var pending = new List<Pending>();
        foreach (var d in latest.Values)
        {
            string hash = ContentHash.Of(d, options.Chunking);
            if (existing.TryGetValue(d.Id, out string? old) && old == hash)
            {
                unchanged++;
                Report(d.Id);
                continue;
            }

            pending.Add(new Pending(d, hash, TextChunker.Chunk(d.Text, d.Format, options.Chunking), existing.ContainsKey(d.Id)));
        }

        var batch = new List<Pending>();
        int batchChunks = 0;
        foreach (var p in pending)
        {
            batch.Add(p);
            batchChunks += p.Chunks.Count;
            if (batchChunks >= options.EmbeddingBatchSize)
            {
                await WriteBatchAsync(batch, ct).ConfigureAwait(false);
                batch.Clear();
                batchChunks = 0;
            }
        }

        if (batch.Count > 0)
        {
            await WriteBatchAsync(batch, ct).ConfigureAwait(false);
        }

        // Indexed once the rows are in (a first load builds the index once; later writes insert into it).
        await store.EnsureSearchIndexAsync(collection, ct).ConfigureAwait(false);
        int updated = pending.Count(p => p.Exists);
        return new IngestResult(collection, pending.Count - updated, updated, unchanged, pending.Sum(p => p.Chunks.Count), _embedded, _reused, timer.Elapsed);
    }

    private async Task WriteBatchAsync(List<Pending> batch, CancellationToken ct)
    {
        await FillVectorsAsync(batch, ct).ConfigureAwait(false);
        await store.RunAsync(collection, "Ingest", async (conn, token) =>
        {
            using var tx = await conn.BeginTransactionAsync(token).ConfigureAwait(false);
            using (var lockCommand = store.Command(conn, "SELECT pg_advisory_xact_lock(hashtext('refine_memory:' || $1))", collection))
            {
                await lockCommand.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }

            await EnsureCollectionAsync(conn, batch, token).ConfigureAwait(false);
            using (var delete = store.Command(conn, $"DELETE FROM {store.Table("chunks")} WHERE collection = $1 AND document_id = ANY($2)", collection, batch.Select(p => p.Document.Id).ToArray()))
            {
                await delete.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }

            using (var upsert = store.Command(conn, $"""
                INSERT INTO {store.Table("documents")} (collection, id, source, metadata, content_hash, chunk_count)
                SELECT $1, * FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::text[], $6::integer[])
                ON CONFLICT (collection, id) DO UPDATE SET source = EXCLUDED.source, metadata = EXCLUDED.metadata,
                    content_hash = EXCLUDED.content_hash, chunk_count = EXCLUDED.chunk_count
                """, collection, batch.Select(p => p.Document.Id).ToArray(), batch.Select(p => p.Document.Source).ToArray(),
                batch.Select(p => JsonSerializer.Serialize(p.Document.Metadata)).ToArray(), batch.Select(p => p.Hash).ToArray(), batch.Select(p => p.Chunks.Count).ToArray()))
            {
                await upsert.ExecuteNonQueryAsync(token).ConfigureAwait(false); // one statement for the whole batch
            }

            using (var writer = await conn.BeginBinaryImportAsync($"COPY {store.Table("chunks")} (collection, document_id, ordinal, text, text_hash, embedding) FROM STDIN (FORMAT BINARY)", token).ConfigureAwait(false))
            {
                foreach (var p in batch)
                {
                    for (int i = 0; i < p.Chunks.Count; i++)
                    {
                        await writer.StartRowAsync(token).ConfigureAwait(false);
                        await writer.WriteAsync(collection, NpgsqlDbType.Text, token).ConfigureAwait(false);
                        await writer.WriteAsync(p.Document.Id, NpgsqlDbType.Text, token).ConfigureAwait(false);
                        await writer.WriteAsync(i, NpgsqlDbType.Integer, token).ConfigureAwait(false);
                        await writer.WriteAsync(p.Chunks[i], NpgsqlDbType.Text, token).ConfigureAwait(false);
                        await writer.WriteAsync(ContentHash.Of(p.Chunks[i]), NpgsqlDbType.Text, token).ConfigureAwait(false);
                        await writer.WriteAsync(new Vector(p.Vectors[i]), "vector", token).ConfigureAwait(false);
                    }
                }

                await writer.CompleteAsync(token).ConfigureAwait(false);
            }

            using (var bump = store.Command(conn, $"UPDATE {store.Table("collections")} SET generation = generation + 1 WHERE name = $1", collection))
            {
                await bump.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }

            await tx.CommitAsync(token).ConfigureAwait(false);
            return true;
        }, ct).ConfigureAwait(false);

        foreach (var p in batch)
        {
            Report(p.Document.Id);
        }
    }

    /// <summary>Creates the collection row if it is absent (first writer wins) and checks this batch's dimension against it.</summary>
    private async Task EnsureCollectionAsync(NpgsqlConnection conn, List<Pending> batch, CancellationToken ct)
    {
        int dimension = batch.SelectMany(p => p.Vectors).FirstOrDefault()?.Length
            ?? throw new ArgumentException($"Collection '{collection}' cannot take documents without text to embed; nothing was stored.", "documents");
        string? model = store.Embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
        using (var insert = store.Command(conn, $"INSERT INTO {store.Table("collections")} (name, dimension, instruction, template, embedding_model) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING",
            collection, dimension, options.Instruction, options.InstructionTemplate, model))
        {
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        using var read = store.Command(conn, $"SELECT dimension FROM {store.Table("collections")} WHERE name = $1", collection);
        int stored = (int)(await read.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        if (stored != dimension)
        {
            throw new DimensionMismatchException($"The embeddings of this ingest (collection '{collection}')", stored, dimension);
        }
    }

    private async Task FillVectorsAsync(List<Pending> batch, CancellationToken ct)
    {
        var hashes = batch.SelectMany(p => p.Chunks).Select(ContentHash.Of).Distinct(StringComparer.Ordinal).ToArray();
        var stored = await store.RunAsync(collection, "Ingest", async (conn, token) =>
        {
            var found = new Dictionary<string, float[]>(StringComparer.Ordinal);
            using var cmd = store.Command(conn, $"SELECT DISTINCT ON (text_hash) text_hash, embedding FROM {store.Table("chunks")} WHERE collection = $1 AND text_hash = ANY($2)", collection, hashes);
            using var reader = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                found[reader.GetString(0)] = reader.GetFieldValue<Vector>(1).ToArray();
            }

            return found;
        }, ct).ConfigureAwait(false);

        var toEmbed = new List<(Pending P, int Chunk)>();
        foreach (var p in batch)
        {
            for (int i = 0; i < p.Chunks.Count; i++)
            {
                if (stored.TryGetValue(ContentHash.Of(p.Chunks[i]), out var vector))
                {
                    p.Vectors[i] = vector;
                    _reused++;
                }
                else
                {
                    toEmbed.Add((p, i));
                }
            }
        }

        if (toEmbed.Count == 0)
        {
            return;
        }

        var embeddings = await store.Embedder.GenerateAsync(toEmbed.Select(x => x.P.Chunks[x.Chunk]), cancellationToken: ct).ConfigureAwait(false);
        if (embeddings.Count != toEmbed.Count)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {toEmbed.Count} chunks; nothing was stored.");
        }

        for (int k = 0; k < toEmbed.Count; k++)
        {
            var (p, i) = toEmbed[k];
            var vector = embeddings[k].Vector.Span;
            _dimension ??= vector.Length;
            string what = $"chunk {i} of document '{p.Document.Id}' (collection '{collection}')";
            if (vector.Length != _dimension)
            {
                throw new DimensionMismatchException($"The embedding of {what}", _dimension.Value, vector.Length);
            }

            foreach (float x in vector)
            {
                if (!float.IsFinite(x))
                {
                    throw new InvalidDataException($"The embedding generator returned a non-finite value for {what}; nothing was stored.");
                }
            }

            if (TensorPrimitives.Norm(vector) == 0f)
            {
                throw new InvalidDataException($"The embedding generator returned a zero vector for {what}; nothing was stored.");
            }

            p.Vectors[i] = vector.ToArray();
        }

        _embedded += toEmbed.Count;
    }

    private async Task<Dictionary<string, string>> ReadHashesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        using var cmd = store.Command(conn, $"SELECT id, content_hash FROM {store.Table("documents")} WHERE collection = $1", collection);
        using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            hashes[reader.GetString(0)] = reader.GetString(1);
        }

        return hashes;
    }

    private void Report(string documentId) => progress?.Report(new IngestProgress(++_done, _total, documentId));
}
