using System.Text.Json;
using Microsoft.Data.Sqlite;
using RefineMemory.Memory;

namespace RefineMemory.Sqlite;

/// <summary>
/// One ingest's SQLite side (<see cref="MemoryIngestor"/> does the rest): reads what the file holds, and commits each
/// batch of whole documents in one IMMEDIATE transaction before updating this process's loaded copy of the collection.
/// </summary>
internal sealed class SqliteIngestTarget(SqliteMemoryStore store, SqliteConnection conn, string collection) : IIngestTarget
{
    private CollectionInfo? _info;

    public async Task<StoredCollection?> ReadCollectionAsync(CancellationToken cancellationToken)
    {
        _info = await SqliteMemoryStore.ReadCollectionAsync(conn, null, collection, cancellationToken).ConfigureAwait(false);
        return _info is null ? null : new StoredCollection(_info.Dimension, _info.EmbeddingModel);
    }

    public async Task<IReadOnlyDictionary<string, StoredDocument>> ReadDocumentsAsync(CancellationToken cancellationToken)
    {
        var documents = new Dictionary<string, StoredDocument>(StringComparer.Ordinal);
        using var cmd = SqliteCommands.Command(conn, null, "SELECT id, content_hash, chunk_count FROM documents WHERE collection = $c", ("$c", collection));
        using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            documents[reader.GetString(0)] = new StoredDocument(reader.GetString(1), reader.GetInt32(2));
        }

        return documents;
    }

    public async Task<IReadOnlyDictionary<string, float[]>> ReadVectorsAsync(IReadOnlyCollection<string> textHashes, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, float[]>(StringComparer.Ordinal);
        using var cmd = SqliteCommands.Command(conn, null, "SELECT vector FROM chunks WHERE collection = $c AND text_hash = $h LIMIT 1", ("$c", collection), ("$h", ""));
        foreach (string hash in textHashes)
        {
            cmd.Parameters["$h"].Value = hash;
            if (await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is byte[] bytes)
            {
                found[hash] = VectorBlob.ToVector(bytes);
            }
        }

        return found;
    }

    public async Task CommitAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        long previousGeneration = _info?.Generation ?? -1;
        using (var tx = conn.BeginTransaction())
        {
            if (_info is null)
            {
                _info = await CreateIfAbsentAsync(tx, batch, cancellationToken).ConfigureAwait(false);
                previousGeneration = _info.Generation;
            }

            foreach (var d in batch.Documents)
            {
                await WriteDocumentAsync(tx, d, cancellationToken).ConfigureAwait(false);
            }

            await SqliteCommands.ExecuteAsync(conn, tx, "UPDATE collections SET generation = generation + 1 WHERE name = $n", cancellationToken, ("$n", collection)).ConfigureAwait(false);
            if (store.BeforeCommit is { } hook)
            {
                await hook(batch.Number, cancellationToken).ConfigureAwait(false);
            }

            tx.Commit();
        }

        _info = _info with { Generation = _info.Generation + 1 };
        UpdateLoaded(batch, previousGeneration);
    }

    public async Task<int> DeleteMissingAsync(string sourcePrefix, IReadOnlyCollection<string> keep, CancellationToken cancellationToken)
    {
        int deleted;
        using (var tx = conn.BeginTransaction())
        {
            // substr, not LIKE: a folder name may hold % or _. Chunks go with their documents (ON DELETE CASCADE).
            using (var delete = SqliteCommands.Command(conn, tx, """
                DELETE FROM documents WHERE collection = $c AND substr(source, 1, length($p)) = $p
                    AND id NOT IN (SELECT value FROM json_each($k))
                """, ("$c", collection), ("$p", sourcePrefix), ("$k", JsonSerializer.Serialize(keep))))
            {
                deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (deleted > 0)
            {
                await SqliteCommands.ExecuteAsync(conn, tx, "UPDATE collections SET generation = generation + 1 WHERE name = $n", cancellationToken, ("$n", collection)).ConfigureAwait(false);
            }

            tx.Commit();
        }

        if (deleted > 0)
        {
            store.ForgetLoaded(collection); // this process's loaded copy still holds them: the next search reloads
        }

        return deleted;
    }

    /// <summary>
    /// Creates the collection unless another process committed it since this ingest looked, all inside the batch's
    /// IMMEDIATE transaction: whichever process commits first fixes the dimension and instruction, the others add to
    /// it (or fail on a different dimension with nothing stored).
    /// </summary>
    private async Task<CollectionInfo> CreateIfAbsentAsync(SqliteTransaction tx, IngestBatch batch, CancellationToken ct)
    {
        await SqliteCommands.ExecuteAsync(conn, tx, "INSERT INTO collections (name, dimension, instruction, template, embedding_model, generation) VALUES ($n, $d, $i, $t, $m, 0) ON CONFLICT (name) DO NOTHING", ct,
            ("$n", collection), ("$d", batch.Dimension), ("$i", batch.Instruction), ("$t", batch.InstructionTemplate), ("$m", batch.EmbeddingModel)).ConfigureAwait(false);
        var info = await SqliteMemoryStore.ReadCollectionAsync(conn, tx, collection, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Collection '{collection}' vanished inside its own transaction.");
        return info.Dimension == batch.Dimension
            ? info
            : throw new DimensionMismatchException($"The embeddings of the documents for collection '{collection}' (created meanwhile by another writer)", info.Dimension, batch.Dimension);
    }

    private async Task WriteDocumentAsync(SqliteTransaction tx, IngestedDocument p, CancellationToken ct)
    {
        var d = p.Document;
        await SqliteCommands.ExecuteAsync(conn, tx, "DELETE FROM chunks WHERE collection = $c AND document_id = $d", ct, ("$c", collection), ("$d", d.Id)).ConfigureAwait(false);
        await SqliteCommands.ExecuteAsync(conn, tx, """
            INSERT INTO documents (collection, id, source, metadata, content_hash, chunk_count) VALUES ($c, $d, $s, $m, $h, $n)
            ON CONFLICT (collection, id) DO UPDATE SET source = excluded.source, metadata = excluded.metadata,
                content_hash = excluded.content_hash, chunk_count = excluded.chunk_count
            """, ct, ("$c", collection), ("$d", d.Id), ("$s", d.Source), ("$m", JsonSerializer.Serialize(d.Metadata)), ("$h", p.ContentHash), ("$n", p.Chunks.Count)).ConfigureAwait(false);
        using var insert = SqliteCommands.Command(conn, tx, "INSERT INTO chunks (collection, document_id, ordinal, text, text_hash, vector) VALUES ($c, $d, $o, $t, $h, $v)");
        insert.Parameters.AddWithValue("$c", collection);
        insert.Parameters.AddWithValue("$d", d.Id);
        var po = insert.Parameters.Add("$o", SqliteType.Integer);
        var pt = insert.Parameters.Add("$t", SqliteType.Text);
        var ph = insert.Parameters.Add("$h", SqliteType.Text);
        var pv = insert.Parameters.Add("$v", SqliteType.Blob);
        for (int i = 0; i < p.Chunks.Count; i++)
        {
            (po.Value, pt.Value, ph.Value, pv.Value) = (i, p.Chunks[i], p.ChunkHashes[i], VectorBlob.ToBytes(p.Vectors[i]));
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private void UpdateLoaded(IngestBatch batch, long previousGeneration)
    {
        if (!store.TryGetLoaded(collection, out var loaded))
        {
            return;
        }

        if (loaded.Generation != previousGeneration)
        {
            // Another process wrote in between; the next search reloads from the database.
            store.ForgetLoaded(collection);
            return;
        }

        foreach (var p in batch.Documents)
        {
            loaded.RemoveDocument(p.Document.Id, p.PreviousChunkCount);
            for (int i = 0; i < p.Chunks.Count; i++)
            {
                var record = new MemoryRecord(MemoryRecord.ChunkId(p.Document.Id, i), p.Document.Id, i, p.Chunks[i], p.Document.Source, p.Document.Metadata);
                loaded.Add(record, p.Vectors[i]);
            }
        }

        loaded.Generation = _info!.Generation;
    }
}
