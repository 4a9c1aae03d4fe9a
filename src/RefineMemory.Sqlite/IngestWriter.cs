using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using RefineMemory.Memory;

namespace RefineMemory.Sqlite;

/// <summary>
/// One ingest: skips documents whose content hash is unchanged, chunks the rest, reuses stored vectors of
/// chunk texts already in the collection, embeds the others in batches, and commits each batch of whole
/// documents in one transaction before updating the in-memory index.
/// </summary>
internal sealed class IngestWriter
{
    private readonly SqliteMemoryStore _store;
    private readonly SqliteConnection _conn;
    private readonly string _collection;
    private readonly IngestOptions _options;
    private readonly IProgress<IngestProgress>? _progress;
    private CollectionInfo? _info;
    private int _done;
    private int _total;
    private int _embedded;
    private int _reused;

    public IngestWriter(SqliteMemoryStore store, SqliteConnection conn, string collection, IngestOptions options, IProgress<IngestProgress>? progress)
    {
        _store = store;
        _conn = conn;
        _collection = collection;
        _options = options;
        _progress = progress;
    }

    private sealed record Pending(MemoryDocument Document, string Hash, IReadOnlyList<string> Chunks, int OldChunkCount, bool Exists)
    {
        public float[][] Vectors { get; } = new float[Chunks.Count][];
    }

    public async Task<IngestResult> RunAsync(IReadOnlyList<MemoryDocument> documents, Stopwatch timer, CancellationToken ct)
    {
        _info = await SqliteMemoryStore.ReadCollectionAsync(_conn, null, _collection, ct).ConfigureAwait(false);
        var existing = await ReadHashesAsync(ct).ConfigureAwait(false);

        // A document given twice counts once: the last copy wins, and the result lists the ids given more than once.
        var latest = new Dictionary<string, MemoryDocument>(StringComparer.Ordinal);
        var duplicates = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var d in documents)
        {
            ArgumentNullException.ThrowIfNull(d, nameof(documents));
            if (!latest.TryAdd(d.Id, d))
            {
                latest[d.Id] = d;
                duplicates.Add(d.Id);
            }
        }

        _total = latest.Count;
        int unchanged = 0, added = 0, updated = 0, chunkCount = 0;
        var pending = new List<Pending>();
        foreach (var d in latest.Values)
        {
            string hash = ContentHash.Of(d, _options.Chunking);
            if (existing.TryGetValue(d.Id, out var old) && old.Hash == hash)
            {
                unchanged++;
                Report(d.Id);
                continue;
            }

            var chunks = TextChunker.Chunk(d.Text, d.Format, _options.Chunking);
            pending.Add(new Pending(d, hash, chunks, old.ChunkCount, existing.ContainsKey(d.Id)));
        }

        var batch = new List<Pending>();
        int batchChunks = 0, batchNumber = 0;
        foreach (var p in pending)
        {
            batch.Add(p);
            batchChunks += p.Chunks.Count;
            if (batchChunks >= _options.EmbeddingBatchSize)
            {
                await WriteBatchAsync(batch, batchNumber++, ct).ConfigureAwait(false);
                batch.Clear();
                batchChunks = 0;
            }
        }

        if (batch.Count > 0)
        {
            await WriteBatchAsync(batch, batchNumber, ct).ConfigureAwait(false);
        }

        foreach (var p in pending)
        {
            chunkCount += p.Chunks.Count;
            if (p.Exists)
            {
                updated++;
            }
            else
            {
                added++;
            }
        }

        return new IngestResult(_collection, added, updated, unchanged, chunkCount, _embedded, _reused, timer.Elapsed) { DuplicateIds = [.. duplicates] };
    }

    private async Task WriteBatchAsync(List<Pending> batch, int batchNumber, CancellationToken ct)
    {
        await FillVectorsAsync(batch, ct).ConfigureAwait(false);

        long previousGeneration = _info?.Generation ?? -1;
        using (var tx = _conn.BeginTransaction())
        {
            if (_info is null)
            {
                _info = await CreateIfAbsentAsync(tx, batch, ct).ConfigureAwait(false);
                previousGeneration = _info.Generation;
            }

            foreach (var p in batch)
            {
                await WriteDocumentAsync(tx, p, ct).ConfigureAwait(false);
            }

            await SqliteMemoryStore.ExecuteAsync(_conn, tx, "UPDATE collections SET generation = generation + 1 WHERE name = $n", ct, ("$n", _collection)).ConfigureAwait(false);
            if (_store.BeforeCommit is { } hook)
            {
                await hook(batchNumber, ct).ConfigureAwait(false);
            }

            tx.Commit();
        }

        _info = _info with { Generation = _info.Generation + 1 };
        UpdateLoaded(batch, previousGeneration);
        foreach (var p in batch)
        {
            Report(p.Document.Id);
        }
    }

    /// <summary>
    /// Creates the collection unless another process committed it since this ingest looked, all inside the
    /// batch's IMMEDIATE transaction: whichever process commits first fixes the dimension and instruction, the
    /// others add to it (or fail on a different dimension with nothing stored).
    /// </summary>
    private async Task<CollectionInfo> CreateIfAbsentAsync(SqliteTransaction tx, List<Pending> batch, CancellationToken ct)
    {
        int dimension = batch.SelectMany(p => p.Vectors).FirstOrDefault()?.Length
            ?? throw new ArgumentException($"Collection '{_collection}' does not exist yet and none of the documents has text to embed, so its dimension is unknown; nothing was stored.", "documents");
        string? model = _store.Embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
        await SqliteMemoryStore.ExecuteAsync(_conn, tx, "INSERT INTO collections (name, dimension, instruction, template, embedding_model, generation) VALUES ($n, $d, $i, $t, $m, 0) ON CONFLICT (name) DO NOTHING", ct,
            ("$n", _collection), ("$d", dimension), ("$i", _options.Instruction), ("$t", _options.InstructionTemplate), ("$m", model)).ConfigureAwait(false);
        var info = await SqliteMemoryStore.ReadCollectionAsync(_conn, tx, _collection, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Collection '{_collection}' vanished inside its own transaction.");
        if (info.Dimension != dimension)
        {
            throw new DimensionMismatchException($"The embeddings of the documents for collection '{_collection}' (created meanwhile by another writer)", info.Dimension, dimension);
        }

        return info;
    }

    private async Task WriteDocumentAsync(SqliteTransaction tx, Pending p, CancellationToken ct)
    {
        var d = p.Document;
        await SqliteMemoryStore.ExecuteAsync(_conn, tx, "DELETE FROM chunks WHERE collection = $c AND document_id = $d", ct, ("$c", _collection), ("$d", d.Id)).ConfigureAwait(false);
        await SqliteMemoryStore.ExecuteAsync(_conn, tx, """
            INSERT INTO documents (collection, id, source, metadata, content_hash, chunk_count) VALUES ($c, $d, $s, $m, $h, $n)
            ON CONFLICT (collection, id) DO UPDATE SET source = excluded.source, metadata = excluded.metadata,
                content_hash = excluded.content_hash, chunk_count = excluded.chunk_count
            """, ct, ("$c", _collection), ("$d", d.Id), ("$s", d.Source), ("$m", JsonSerializer.Serialize(d.Metadata)), ("$h", p.Hash), ("$n", p.Chunks.Count)).ConfigureAwait(false);
        using var insert = SqliteMemoryStore.Command(_conn, tx, "INSERT INTO chunks (collection, document_id, ordinal, text, text_hash, vector) VALUES ($c, $d, $o, $t, $h, $v)");
        var pc = insert.Parameters.AddWithValue("$c", _collection);
        var pd = insert.Parameters.AddWithValue("$d", d.Id);
        var po = insert.Parameters.Add("$o", SqliteType.Integer);
        var pt = insert.Parameters.Add("$t", SqliteType.Text);
        var ph = insert.Parameters.Add("$h", SqliteType.Text);
        var pv = insert.Parameters.Add("$v", SqliteType.Blob);
        for (int i = 0; i < p.Chunks.Count; i++)
        {
            po.Value = i;
            pt.Value = p.Chunks[i];
            ph.Value = ContentHash.Of(p.Chunks[i]);
            pv.Value = VectorBlob.ToBytes(p.Vectors[i]);
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task FillVectorsAsync(List<Pending> batch, CancellationToken ct)
    {
        var toEmbed = new List<(Pending P, int Chunk)>();
        var reusable = new Dictionary<string, float[]?>(StringComparer.Ordinal);
        foreach (var p in batch)
        {
            for (int i = 0; i < p.Chunks.Count; i++)
            {
                float[]? stored = _info is null ? null : await StoredVectorAsync(ContentHash.Of(p.Chunks[i]), reusable, ct).ConfigureAwait(false);
                if (stored is not null)
                {
                    p.Vectors[i] = stored;
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

        // At most EmbeddingBatchSize chunks per call, with progress after each, so one huge document is not one silent call.
        int size = _options.EmbeddingBatchSize;
        int? dimension = _info?.Dimension;
        for (int start = 0; start < toEmbed.Count; start += size)
        {
            ct.ThrowIfCancellationRequested();
            var slice = toEmbed.GetRange(start, Math.Min(size, toEmbed.Count - start));
            var embeddings = await _store.Embedder.GenerateAsync(slice.Select(x => x.P.Chunks[x.Chunk]), cancellationToken: ct).ConfigureAwait(false);
            if (embeddings.Count != slice.Count)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {slice.Count} chunks; nothing was stored.");
            }

            dimension ??= embeddings[0].Vector.Length;
            for (int k = 0; k < slice.Count; k++)
            {
                var (p, i) = slice[k];
                var vector = embeddings[k].Vector.Span;
                SqliteMemoryStore.CheckVector(vector, dimension.Value, _collection, $"chunk {i} of document '{p.Document.Id}'");
                p.Vectors[i] = vector.ToArray();
            }

            _embedded += slice.Count;
            _progress?.Report(new IngestProgress(_done, _total, slice[^1].P.Document.Id) { ChunksEmbedded = start + slice.Count, ChunksToEmbed = toEmbed.Count });
        }
    }

    private async Task<float[]?> StoredVectorAsync(string textHash, Dictionary<string, float[]?> cache, CancellationToken ct)
    {
        if (cache.TryGetValue(textHash, out var cached))
        {
            return cached;
        }

        using var cmd = SqliteMemoryStore.Command(_conn, null, "SELECT vector FROM chunks WHERE collection = $c AND text_hash = $h LIMIT 1", ("$c", _collection), ("$h", textHash));
        object? blob = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        float[]? vector = blob is byte[] bytes ? VectorBlob.ToVector(bytes) : null;
        cache[textHash] = vector;
        return vector;
    }

    private void UpdateLoaded(List<Pending> batch, long previousGeneration)
    {
        if (!_store.TryGetLoaded(_collection, out var loaded))
        {
            return;
        }

        if (loaded.Generation != previousGeneration)
        {
            // Another process wrote in between; the next search reloads from the database.
            _store.ForgetLoaded(_collection);
            return;
        }

        foreach (var p in batch)
        {
            loaded.RemoveDocument(p.Document.Id, p.OldChunkCount);
            for (int i = 0; i < p.Chunks.Count; i++)
            {
                var record = new MemoryRecord(SqliteMemoryCollection.ChunkId(p.Document.Id, i), p.Document.Id, i, p.Chunks[i], p.Document.Source, p.Document.Metadata);
                loaded.Add(record, p.Vectors[i]);
            }
        }

        loaded.Generation = _info!.Generation;
    }

    private async Task<Dictionary<string, (string Hash, int ChunkCount)>> ReadHashesAsync(CancellationToken ct)
    {
        var hashes = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        using var cmd = SqliteMemoryStore.Command(_conn, null, "SELECT id, content_hash, chunk_count FROM documents WHERE collection = $c", ("$c", _collection));
        using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            hashes[reader.GetString(0)] = (reader.GetString(1), reader.GetInt32(2));
        }

        return hashes;
    }

    private void Report(string documentId) => _progress?.Report(new IngestProgress(++_done, _total, documentId));
}
