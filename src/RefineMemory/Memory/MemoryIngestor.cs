using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RefineMemory.Embed;

namespace RefineMemory.Memory;

/// <summary>
/// The one ingest of every memory store: documents whose content hash is unchanged cost nothing; the rest are
/// chunked, chunk texts the collection already holds reuse their stored vectors, the others are embedded (at most
/// <see cref="IngestOptions.EmbeddingBatchSize"/> per call, with progress), every vector is checked, and batches of
/// whole documents are committed by the store (<see cref="IIngestTarget"/>) one transaction each.
/// </summary>
public sealed class MemoryIngestor
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;

    /// <summary>An ingestor embedding chunks with <paramref name="embedder"/>.</summary>
    public MemoryIngestor(IEmbeddingGenerator<string, Embedding<float>> embedder) =>
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));

    /// <exception cref="EmbedderMismatchException">The collection was embedded by another model.</exception>
    /// <exception cref="DimensionMismatchException">An embedding does not have the collection's dimension.</exception>
    public async Task<IngestResult> IngestAsync(
        string collection, IIngestTarget target, IReadOnlyList<MemoryDocument> documents, IngestOptions options, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var timer = Stopwatch.StartNew();
        var run = new Run(this, collection, target, options, progress);
        return await run.ExecuteAsync(documents, timer, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Run(MemoryIngestor owner, string collection, IIngestTarget target, IngestOptions options, IProgress<IngestProgress>? progress)
    {
        private readonly string? _model = owner._embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
        private StoredCollection? _stored;
        private int? _dimension;
        private int _done, _total, _embedded, _reused;

        public async Task<IngestResult> ExecuteAsync(IReadOnlyList<MemoryDocument> documents, Stopwatch timer, CancellationToken ct)
        {
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

            _stored = await target.ReadCollectionAsync(ct).ConfigureAwait(false);
            if (_stored is not null)
            {
                EmbedderMismatchException.ThrowIfDifferent(collection, _stored.EmbeddingModel, owner._embedder);
                _dimension = _stored.Dimension;
            }

            var existing = _stored is null ? new Dictionary<string, StoredDocument>() : await target.ReadDocumentsAsync(ct).ConfigureAwait(false);
            _total = latest.Count;
            var pending = new List<Pending>();
            foreach (var d in latest.Values)
            {
                string hash = ContentHash.Of(d, options.Chunking);
                var old = existing.GetValueOrDefault(d.Id);
                if (old?.ContentHash == hash)
                {
                    Report(d.Id);
                    continue;
                }

                pending.Add(new Pending(d, hash, TextChunker.Chunk(d.Text, d.Format, options.Chunking), old));
            }

            int batchNumber = 0;
            foreach (var batch in Batches(pending))
            {
                await WriteBatchAsync(batch, batchNumber++, ct).ConfigureAwait(false);
            }

            // After every batch is in: a failed ingest deletes nothing, and a document moved within the source is kept.
            int deleted = options.MirrorSourcePrefix is { } prefix && _stored is not null
                ? await target.DeleteMissingAsync(prefix, latest.Keys, ct).ConfigureAwait(false)
                : 0;
            int updated = pending.Count(p => p.Old is not null);
            return new IngestResult(collection, pending.Count - updated, updated, latest.Count - pending.Count, pending.Sum(p => p.Chunks.Count), _embedded, _reused, timer.Elapsed)
            {
                DuplicateIds = [.. duplicates],
                Deleted = deleted,
            };
        }

        private IEnumerable<List<Pending>> Batches(List<Pending> pending)
        {
            var batch = new List<Pending>();
            int chunks = 0;
            foreach (var p in pending)
            {
                batch.Add(p);
                chunks += p.Chunks.Count;
                if (chunks >= options.EmbeddingBatchSize)
                {
                    yield return batch;
                    batch = [];
                    chunks = 0;
                }
            }

            if (batch.Count > 0)
            {
                yield return batch;
            }
        }

        private async Task WriteBatchAsync(List<Pending> batch, int number, CancellationToken ct)
        {
            await FillVectorsAsync(batch, ct).ConfigureAwait(false);
            int dimension = _dimension
                ?? throw new ArgumentException($"Collection '{collection}' does not exist yet and none of the documents has text to embed, so its dimension is unknown; nothing was stored.", "documents");
            var documents = batch.Select(p => new IngestedDocument(p.Document, p.Hash, p.Chunks, p.ChunkHashes, p.Vectors, p.Old?.ChunkCount ?? 0, p.Old is not null)).ToArray();
            await target.CommitAsync(new IngestBatch(number, dimension, options.Instruction, options.InstructionTemplate, _model, documents), ct).ConfigureAwait(false);
            _stored ??= new StoredCollection(dimension, _model);
            foreach (var p in batch)
            {
                Report(p.Document.Id);
            }
        }

        private async Task FillVectorsAsync(List<Pending> batch, CancellationToken ct)
        {
            var stored = _stored is null
                ? new Dictionary<string, float[]>()
                : await target.ReadVectorsAsync([.. batch.SelectMany(p => p.ChunkHashes).Distinct(StringComparer.Ordinal)], ct).ConfigureAwait(false);
            var toEmbed = new List<(Pending P, int Chunk)>();
            foreach (var p in batch)
            {
                for (int i = 0; i < p.Chunks.Count; i++)
                {
                    if (stored.TryGetValue(p.ChunkHashes[i], out var vector))
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

            // At most EmbeddingBatchSize chunks per call, with progress after each, so one huge document is not one silent call.
            for (int start = 0; start < toEmbed.Count; start += options.EmbeddingBatchSize)
            {
                ct.ThrowIfCancellationRequested();
                var slice = toEmbed.GetRange(start, Math.Min(options.EmbeddingBatchSize, toEmbed.Count - start));
                var embeddings = await owner._embedder.GenerateAsync(slice.Select(x => x.P.Chunks[x.Chunk]), cancellationToken: ct).ConfigureAwait(false);
                if (embeddings.Count != slice.Count)
                {
                    throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {slice.Count} chunks; nothing was stored.");
                }

                for (int k = 0; k < slice.Count; k++)
                {
                    var (p, i) = slice[k];
                    p.Vectors[i] = Checked(embeddings[k].Vector.Span, $"chunk {i} of document '{p.Document.Id}'");
                }

                _embedded += slice.Count;
                progress?.Report(new IngestProgress(_done, _total, slice[^1].P.Document.Id) { ChunksEmbedded = start + slice.Count, ChunksToEmbed = toEmbed.Count });
            }
        }

        private float[] Checked(ReadOnlySpan<float> vector, string what)
        {
            _dimension ??= vector.Length;
            if (vector.Length != _dimension)
            {
                throw new DimensionMismatchException($"The embedding of {what} (collection '{collection}')", _dimension.Value, vector.Length);
            }

            if (!TensorPrimitives.IsFiniteAll(vector))
            {
                throw new InvalidDataException($"The embedding generator returned a non-finite value for {what}; nothing was stored.");
            }

            return TensorPrimitives.Norm(vector) == 0f
                ? throw new InvalidDataException($"The embedding generator returned a zero vector for {what}; nothing was stored.")
                : vector.ToArray();
        }

        private void Report(string documentId) => progress?.Report(new IngestProgress(++_done, _total, documentId));
    }

    private sealed record Pending(MemoryDocument Document, string Hash, IReadOnlyList<string> Chunks, StoredDocument? Old)
    {
        public string[] ChunkHashes { get; } = [.. Chunks.Select(ContentHash.Of)];

        public float[][] Vectors { get; } = new float[Chunks.Count][];
    }
}
