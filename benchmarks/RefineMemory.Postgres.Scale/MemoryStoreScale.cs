using System.Diagnostics;
using System.Globalization;
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
        foreach (bool exact in new[] { false, true })
        {
            using var store = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = connection, CommandTimeoutSeconds = 600, ExactSearch = exact }, embedder);
            var search = new RefinedSearch(store, embedder, judge);
            var run = (Label: exact ? "exact (ExactSearch)" : "HNSW (default; ef_search = max(40, depth))", Pipeline: new List<double>(), Call: new List<double>(), Top: new List<string[]>());
            _ = await search.SearchAsync(collection, "q0", null, ct); // warm-up, not counted
            for (int q = 0; q < data.Queries.Length; q++)
            {
                var timer = Stopwatch.StartNew();
                var result = await search.SearchAsync(collection, string.Create(CultureInfo.InvariantCulture, $"q{q}"), null, ct);
                double call = timer.Elapsed.TotalMilliseconds;
                if (!result.Diagnostics.Refined)
                {
                    Console.Error.WriteLine($"scale: query {q} not refined: {result.Diagnostics.SkippedReason}");
                }

                double judgeMs = result.Diagnostics.JudgeTime.TotalMilliseconds;
                run.Pipeline.Add(result.Diagnostics.TotalTime.TotalMilliseconds - judgeMs);
                run.Call.Add(call - judgeMs);
                run.Top.Add([.. result.Hits.Select(h => h.Id)]);
            }

            runs.Add(run);
            Console.Error.WriteLine($"scale: {run.Label} done ({DateTime.UtcNow:HH:mm:ss} UTC, load {Load()}); {Memory()}");
        }

        Console.WriteLine("| search | p50 ms (TotalTime − JudgeTime) | p95 ms | p50 ms (whole SearchAsync call − JudgeTime) | p95 ms |\n| --- | ---: | ---: | ---: | ---: |");
        foreach (var (label, pipeline, call, _) in runs)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {Percentile(pipeline, 0.5):0.0} | {Percentile(pipeline, 0.95):0.0} | {Percentile(call, 0.5):0.0} | {Percentile(call, 0.95):0.0} |"));
        }

        var recall = runs[0].Top.Zip(runs[1].Top, (h, e) => h.Intersect(e).Count() / (double)e.Length).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nrecall@10 of the refined ranking, HNSW run against ExactSearch run (same queries, same oracle judge; each run refines from its own first search): mean {recall.Average():0.000}, min {recall.Min():0.000}"));
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
