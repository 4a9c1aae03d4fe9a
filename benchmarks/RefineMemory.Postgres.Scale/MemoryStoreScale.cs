using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.VectorData;
using Npgsql;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Search;

namespace RefineMemory.Postgres.Scale;

/// <summary>
/// The memory store at scale, in two processes so the searching one never holds the vectors:
/// <c>--memory-ingest NAME</c> ingests the clustered set through <see cref="PostgresMemoryStore.IngestAsync"/> (one chunk
/// per document, vectors precomputed) and reports the row load and the HNSW build apart; <c>--memory-search NAME</c>
/// regenerates only the groups and queries (same seed) and runs refined searches through <see cref="RefinedSearch"/>
/// with an oracle judge (same cluster as the query), HNSW and exact, and reports latency minus the judge, recall@10 of
/// HNSW against exact, the process's resident memory and the table sizes.
/// </summary>
internal static class MemoryStoreScale
{
    public static async Task IngestAsync(ScaleData data, string connection, string collection, int batch, string? modelId, CancellationToken ct)
    {
        var documents = data.Vectors.Select((_, i) => new MemoryDocument(Id(i), string.Create(CultureInfo.InvariantCulture, $"v{i}"))).ToList();
        using var embedder = new LookupEmbedder(data.Vectors, modelId);
        using var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = connection, CommandTimeoutSeconds = 7200 }, embedder);
        var timer = Stopwatch.StartNew();
        var rows = new RowsCommitted(documents.Count, timer);
        Console.Error.WriteLine($"scale: ingesting {documents.Count:N0} documents into '{collection}' ({DateTime.UtcNow:HH:mm:ss} UTC, load {Load()})");
        var result = await store.IngestAsync(collection, documents, new IngestOptions { EmbeddingBatchSize = batch }, rows, ct);
        double total = timer.Elapsed.TotalSeconds, load = rows.Elapsed.TotalSeconds, build = total - load;
        Console.WriteLine($"\n## Memory store ingest: {data.Name} into '{collection}' (PostgresMemoryStore.IngestAsync; one chunk per document, vectors precomputed; batches of {batch:N0}), load {Load()}\n");
        Console.WriteLine("| documents | rows committed s | documents/s (rows) | HNSW build s (m=16, ef_construction=64) + ANALYZE | total s | documents/s overall |\n| ---: | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {result.Chunks:N0} | {load:0.0} | {result.Chunks / load:N0} | {build:0.0} | {total:0.0} | {result.Chunks / total:N0} |"));
        await SizesAsync(connection, ct);
    }

    public static async Task SearchAsync(ScaleData data, string connection, string collection, CancellationToken ct)
    {
        Console.WriteLine($"\n## Memory store search: '{collection}' ({data.Name}; {data.Queries.Length} queries), through RefinedSearch, oracle judge, load {Load()}\n");
        using var embedder = new LookupEmbedder(data.Queries, "arctic-embed-xs"); // texts "q{j}"; the id the collection records
        var judge = new GoldJudge((query, chunk) => data.Groups[Index(chunk)] == data.QueryGroups[Index(query)] ? 1f : 0f);
        var runs = new List<(string Label, List<double> Pipeline, List<double> Call, List<string[]> Top)>();
        var refinedVectors = new List<ReadOnlyMemory<float>>(); // the HNSW run's second searches
        foreach (bool exact in new[] { false, true })
        {
            using var postgres = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = connection, CommandTimeoutSeconds = 600, ExactSearch = exact }, embedder);
            var store = new RecordingStore(postgres);
            var search = new RefinedSearch(store, embedder, judge);
            var run = (Label: exact ? "exact (ExactSearch)" : "HNSW (default; ef_search = max(40, depth))", Pipeline: new List<double>(), Call: new List<double>(), Top: new List<string[]>());
            _ = await search.SearchAsync(collection, "q0", cancellationToken: ct); // warm-up, not counted
            for (int q = 0; q < data.Queries.Length; q++)
            {
                store.Last = default;
                var timer = Stopwatch.StartNew();
                var result = await search.SearchAsync(collection, string.Create(CultureInfo.InvariantCulture, $"q{q}"), cancellationToken: ct);
                double call = timer.Elapsed.TotalMilliseconds;
                if (!result.Diagnostics.Refined)
                {
                    Console.Error.WriteLine($"scale: query {q} not refined: {result.Diagnostics.SkippedReason}");
                }

                double judgeMs = result.Diagnostics.JudgeTime.TotalMilliseconds;
                run.Pipeline.Add(result.Diagnostics.TotalTime.TotalMilliseconds - judgeMs);
                run.Call.Add(call - judgeMs);
                run.Top.Add([.. result.Hits.Select(h => h.Id)]);
                if (!exact)
                {
                    refinedVectors.Add(store.Last);
                }
            }

            runs.Add(run);
            Console.Error.WriteLine($"scale: {run.Label} done ({DateTime.UtcNow:HH:mm:ss} UTC, load {Load()}); {Memory()}");
        }

        Console.WriteLine("| search | p50 ms (TotalTime − JudgeTime) | p95 ms | p50 ms (whole SearchAsync call − JudgeTime) | p95 ms |\n| --- | ---: | ---: | ---: | ---: |");
        foreach (var (label, pipeline, call, _) in runs)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {Percentile(pipeline, 0.5):0.0} | {Percentile(pipeline, 0.95):0.0} | {Percentile(call, 0.5):0.0} | {Percentile(call, 0.95):0.0} |"));
        }

        var recall = runs[0].Top.Zip(runs[1].Top, (h, e) => Overlap(h, [.. e])).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nrecall@10 (b), HNSW run's refined top 10 against the ExactSearch run's (same queries, same oracle judge; each run refines from its own first search): mean {recall.Average():0.000}, min {recall.Min():0.000}"));
        using (var exactStore = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = connection, CommandTimeoutSeconds = 600, ExactSearch = true }, embedder))
        using (var hnswStore = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = connection, CommandTimeoutSeconds = 600 }, embedder))
        {
            var exactChunks = (await exactStore.GetCollectionAsync(collection, ct)).Chunks;
            var hnswChunks = (await hnswStore.GetCollectionAsync(collection, ct)).Chunks;
            var refined = new List<double>();
            var original = new List<double>();
            for (int q = 0; q < refinedVectors.Count; q++)
            {
                refined.Add(Overlap(runs[0].Top[q], await TopAsync(exactChunks, refinedVectors[q])));
                original.Add(Overlap(await TopAsync(hnswChunks, data.Queries[q]), await TopAsync(exactChunks, data.Queries[q])));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"recall@10 (a), HNSW run's refined top 10 against an exact search of the same refined vector: mean {refined.Average():0.000}, min {refined.Min():0.000}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"recall@10 of the original (unrefined) query vectors, a plain top-10 HNSW search against exact: mean {original.Average():0.000}, min {original.Min():0.000}"));
        }

        async Task<List<string>> TopAsync(IVectorSearchable<MemoryRecord> chunks, ReadOnlyMemory<float> vector) =>
            await chunks.SearchAsync(vector, 10, null, ct).Select(h => h.Record.Id).ToListAsync(ct);

        static double Overlap(IEnumerable<string> found, List<string> truth) => found.Intersect(truth).Count() / (double)truth.Count;

        GC.Collect();
        Console.WriteLine($"\nsearching process after {2 * (data.Queries.Length + 1)} refined searches: {Memory()}");
        await SizesAsync(connection, ct);
    }

    private static string Id(int i) => string.Create(CultureInfo.InvariantCulture, $"d{i}");

    /// <summary>The ordinal in "d{i}#0" (a chunk id) or "q{j}" (a query).</summary>
    private static int Index(string id) => int.Parse(id.AsSpan(1, (id.IndexOf('#', StringComparison.Ordinal) is int hash and >= 0 ? hash : id.Length) - 1), CultureInfo.InvariantCulture);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Ceiling(sorted.Count * p) - 1];
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Trim();

    private static string Memory() => string.Join(", ", File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmRSS", StringComparison.Ordinal) || l.StartsWith("VmHWM", StringComparison.Ordinal))
        .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\s+", " ")));

    private static async Task SizesAsync(string connection, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(connection);
        await using var cmd = dataSource.CreateCommand("""
            SELECT c.relname, pg_relation_size(c.oid), pg_total_relation_size(c.oid), c.relkind::text
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relname LIKE 'refine_memory_%' AND c.relkind IN ('r', 'i') ORDER BY c.relkind DESC, c.relname
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        Console.WriteLine("\n| relation | kind | pg_relation_size MB | pg_total_relation_size MB |\n| --- | --- | ---: | ---: |");
        while (await reader.ReadAsync(ct))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {reader.GetString(0)} | {(reader.GetString(3) == "r" ? "table" : "index")} | {reader.GetInt64(1) / 1048576.0:N0} | {reader.GetInt64(2) / 1048576.0:N0} |"));
        }
    }

    /// <summary>
    /// A store whose collections note the vector of the ranking returned: the refined search's second (top-10)
    /// search, or its only search when it was not refined. <see cref="Last"/> is reset before each refined search.
    /// </summary>
    private sealed class RecordingStore(IMemoryStore inner) : IMemoryStore
    {
        public ReadOnlyMemory<float> Last { get; set; }

        public async Task<IMemoryCollection> GetCollectionAsync(string name, CancellationToken cancellationToken = default) =>
            new RecordingCollection(await inner.GetCollectionAsync(name, cancellationToken), this);

        public Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default) => inner.ListCollectionsAsync(cancellationToken);

        public Task<IngestResult> IngestAsync(string collection, IReadOnlyList<MemoryDocument> documents, IngestOptions? options = null, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
            inner.IngestAsync(collection, documents, options, progress, cancellationToken);
    }

    private sealed class RecordingCollection(IMemoryCollection inner, RecordingStore store) : IMemoryCollection, IVectorSearchable<MemoryRecord>
    {
        public string Name => inner.Name;

        public int Dimension => inner.Dimension;

        public string? Instruction => inner.Instruction;

        public string InstructionTemplate => inner.InstructionTemplate;

        public string? EmbeddingModel => inner.EmbeddingModel;

        public int Count => inner.Count;

        public IVectorSearchable<MemoryRecord> Chunks => this;

        public Task<MemoryRecord?> GetAsync(string id, bool includeEmbedding = false, CancellationToken cancellationToken = default) => inner.GetAsync(id, includeEmbedding, cancellationToken);

        public IAsyncEnumerable<VectorSearchResult<MemoryRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<MemoryRecord>? options = null, CancellationToken cancellationToken = default)
            where TInput : notnull
        {
            float[]? vector = searchValue switch { ReadOnlyMemory<float> m => m.ToArray(), float[] a => [.. a], _ => null };
            if (vector is not null && (top == 10 || store.Last.IsEmpty))
            {
                store.Last = vector; // an unrefined search makes one search only: its (original) vector stays
            }

            return inner.Chunks.SearchAsync(searchValue, top, options, cancellationToken);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.Chunks.GetService(serviceType, serviceKey);
    }

    /// <summary>Notes when the last document's batch committed: the rows are in, the index build starts.</summary>
    private sealed class RowsCommitted(int total, Stopwatch timer) : IProgress<IngestProgress>
    {
        public TimeSpan Elapsed { get; private set; }

        public void Report(IngestProgress value)
        {
            if (value.Done % 100_000 == 0)
            {
                Console.Error.WriteLine($"scale: {value.Done:N0} committed at {timer.Elapsed.TotalSeconds:0} s, load {Load()}");
            }

            if (value.Done == total)
            {
                Elapsed = timer.Elapsed;
                Console.Error.WriteLine($"scale: all rows in at {Elapsed.TotalSeconds:0.0} s; building the HNSW index ({DateTime.UtcNow:HH:mm:ss} UTC)");
            }
        }
    }
}
