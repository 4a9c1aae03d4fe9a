using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.VectorData;
using RefineMemory.Embed;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Memory;
using RefineMemory.Postgres;
using RefineMemory.Postgres.Scale;
using RefineMemory.Refine;
using RefineMemory.Sqlite;
using RefineMemory.UseLite;

// refine-scale: ingest rates (pgvector vs SQLite), refined-search latency minus the judge (HNSW vs exact) and
// recall@10 of HNSW for original and refined queries, on clustered synthetic vectors and on CLINC150.
// The judge is an oracle everywhere (gold labels / cluster membership). Prints Markdown tables.
// Usage: refine-scale --connection "Host=...;Port=...;Username=postgres" [--n 100000] [--dim 384] [--clusters 200]
//                     [--queries 100] [--ef 40,100,200] [--clinc ../shared/datasets/clinc150] [--no-memory-stores | --memory-n 20000] [--no-synthetic]
// The memory store at scale (two runs, so the searching process never holds the vectors; same --n/--dim/--clusters/--queries):
//        refine-scale --connection ... --n 1000000 --memory-ingest NAME [--batch 10000] [--model-id arctic-embed-xs]
//        refine-scale --connection ... --n 1000000 --memory-search NAME
var options = ParseArgs(args);
string connection = options.GetValueOrDefault("connection") ?? throw new ArgumentException("--connection is required (an Npgsql connection string).");
int n = int.Parse(options.GetValueOrDefault("n", "100000"), CultureInfo.InvariantCulture);
int dim = int.Parse(options.GetValueOrDefault("dim", "384"), CultureInfo.InvariantCulture);
int clusters = int.Parse(options.GetValueOrDefault("clusters", "200"), CultureInfo.InvariantCulture);
int queries = int.Parse(options.GetValueOrDefault("queries", "100"), CultureInfo.InvariantCulture);
int[] efs = [.. options.GetValueOrDefault("ef", "40,100,200").Split(',').Select(e => int.Parse(e, CultureInfo.InvariantCulture))];
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var ct = cts.Token;

using var dataSource = PostgresVectorStore.CreateDataSource(connection);
Console.WriteLine($"# refine-scale, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load {File.ReadAllText("/proc/loadavg").Trim()}");
if (options.GetValueOrDefault("memory-ingest") is { } ingestInto)
{
    int batch = int.Parse(options.GetValueOrDefault("batch", "10000"), CultureInfo.InvariantCulture);
    await MemoryStoreScale.IngestAsync(ScaleData.Clustered(n, dim, clusters, queries), connection, ingestInto, batch, options.GetValueOrDefault("model-id"), ct);
    return;
}

if (options.GetValueOrDefault("memory-search") is { } searchIn)
{
    await MemoryStoreScale.SearchAsync(ScaleData.Clustered(n, dim, clusters, queries, keepVectors: false), connection, searchIn, ct);
    return;
}


var synthetic = options.ContainsKey("no-synthetic") ? null : ScaleData.Clustered(n, dim, clusters, queries);
if (synthetic is not null && !options.ContainsKey("no-memory-stores"))
{
    int memoryCount = int.Parse(options.GetValueOrDefault("memory-n", n.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
    await MemoryStoreIngestAsync(memoryCount == n ? synthetic : ScaleData.Clustered(memoryCount, dim, clusters, 1), connection, ct);
}

if (synthetic is not null)
{
    await ConnectorRunAsync(synthetic, dataSource, efs, ct);
}

if (options.GetValueOrDefault("clinc") is { } clinc)
{
    await ConnectorRunAsync(await ClincAsync(clinc, ct), dataSource, efs, ct);
}

static async Task MemoryStoreIngestAsync(ScaleData data, string connection, CancellationToken ct)
{
    var documents = data.Vectors.Select((_, i) => new MemoryDocument(string.Create(CultureInfo.InvariantCulture, $"d{i}"), string.Create(CultureInfo.InvariantCulture, $"v{i}"))).ToList();
    using var embedder = new LookupEmbedder(data.Vectors);
    var ingest = new IngestOptions { EmbeddingBatchSize = 1000 };
    string folder = Directory.CreateTempSubdirectory("refine-scale-").FullName;
    string collection = string.Create(CultureInfo.InvariantCulture, $"scale_mem_{data.Vectors.Length}_{Environment.ProcessId}");
    Console.WriteLine($"\n## Memory-store ingest ({data.Name}; documents of one chunk, vectors precomputed; batches of 1,000 documents)\n");
    Console.WriteLine("| store | documents | seconds | documents/s |\n| --- | ---: | ---: | ---: |");
    using (var sqlite = new SqliteMemoryStore(new SqliteMemoryStoreOptions { DatabasePath = Path.Combine(folder, "scale.db") }, embedder))
    {
        var r = await sqlite.IngestAsync(collection, documents, ingest, null, ct);
        Row("SQLite (WAL, synchronous=FULL)", r);
    }

    using (var postgres = new PostgresMemoryStore(new PostgresMemoryStoreOptions { ConnectionString = connection, CommandTimeoutSeconds = 600 }, embedder))
    {
        var r = await postgres.IngestAsync(collection, documents, ingest, null, ct);
        Row("PostgreSQL (pgvector column, binary COPY)", r);
    }

    Directory.Delete(folder, recursive: true);

    static void Row(string store, IngestResult r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {store} | {r.Chunks:N0} | {r.Elapsed.TotalSeconds:0.0} | {r.Chunks / r.Elapsed.TotalSeconds:N0} |"));
}

static async Task ConnectorRunAsync(ScaleData data, Npgsql.NpgsqlDataSource dataSource, int[] efs, CancellationToken ct)
{
    int count = data.Vectors.Length;
    string tag = string.Create(CultureInfo.InvariantCulture, $"{count}_{data.Dimension}_{Environment.ProcessId}");
    var store = new PostgresVectorStore(dataSource, new PostgresCollectionOptions { CommandTimeoutSeconds = 3600 });
    var exact = store.GetCollection<long, ScaleRecord>("scale_flat_" + tag, ScaleRecord.Definition(data.Dimension, IndexKind.Flat));
    var hnsw = store.GetCollection<long, ScaleRecord>("scale_hnsw_" + tag, ScaleRecord.Definition(data.Dimension, IndexKind.Hnsw));
    var records = data.Vectors.Select((v, i) => new ScaleRecord { Id = i, Group = data.Groups[i], Vector = v }).ToArray();

    Console.WriteLine($"\n## {data.Name}: connector ingest (UpsertAsync, batches of 1,000, one transaction each)\n");
    Console.WriteLine("| collection | rows | load s | index build s | rows/s overall |\n| --- | ---: | ---: | ---: | ---: |");
    var loadExact = await LoadAsync(exact, records, ct);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| exact (no index) | {count:N0} | {loadExact:0.0} | - | {count / loadExact:N0} |"));

    // HNSW as pgvector advises for bulk loads: rows first, then one CREATE INDEX (the statement the connector issues).
    var staging = store.GetCollection<long, ScaleRecord>(hnsw.Name, ScaleRecord.Definition(data.Dimension, IndexKind.Flat));
    double loadHnsw = await LoadAsync(staging, records, ct);
    var build = Stopwatch.StartNew();
    using (var conn = await dataSource.OpenConnectionAsync(ct))
    using (var index = new Npgsql.NpgsqlCommand($"CREATE INDEX ON \"{hnsw.Name}\" USING hnsw (\"Vector\" vector_cosine_ops) WITH (m = 16, ef_construction = 64)", conn) { CommandTimeout = 0 })
    {
        await index.ExecuteNonQueryAsync(ct);
    }

    double buildSeconds = build.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| HNSW m=16, ef_construction=64 (index built after the load) | {count:N0} | {loadHnsw:0.0} | {buildSeconds:0.0} | {count / (loadHnsw + buildSeconds):N0} |"));

    var byEf = efs.ToDictionary(ef => ef, ef => new PostgresVectorStore(dataSource, new PostgresCollectionOptions { EfSearch = ef, CommandTimeoutSeconds = 3600 })
        .GetCollection<long, ScaleRecord>(hnsw.Name, ScaleRecord.Definition(data.Dimension, IndexKind.Hnsw)));
    var recall = efs.ToDictionary(ef => ef, _ => (Original: new List<double>(), Refined: new List<double>()));
    var latency = new Dictionary<string, List<double>> { ["exact"] = [], ["HNSW ef_search=100"] = [] };
    for (int q = 0; q < data.Queries.Length; q++)
    {
        ct.ThrowIfCancellationRequested();
        float[] query = data.Queries[q];
        float[] refined = await RefinedAsync(exact, query, data.QueryGroups[q], ct);
        var truth = await TopAsync(exact, query, ct);
        var refinedTruth = await TopAsync(exact, refined, ct);
        foreach (int ef in efs)
        {
            recall[ef].Original.Add((await TopAsync(byEf[ef], query, ct)).Intersect(truth).Count() / (double)truth.Count);
            recall[ef].Refined.Add((await TopAsync(byEf[ef], refined, ct)).Intersect(refinedTruth).Count() / (double)refinedTruth.Count);
        }

        foreach (var (label, collection) in new[] { ("exact", exact), ("HNSW ef_search=100", hnsw) })
        {
            var timer = Stopwatch.StartNew();
            float[] r = await RefinedAsync(collection, query, data.QueryGroups[q], ct);
            await TopAsync(collection, r, ct);
            latency[label].Add(timer.Elapsed.TotalMilliseconds);
        }
    }

    Console.WriteLine($"\n## {data.Name}: recall@10 of HNSW against exact search ({data.Queries.Length} queries; refined: 20 judged by an oracle, Adam lr 1e-4, 100 steps)\n");
    Console.WriteLine("| ef_search | original query | refined query |\n| ---: | ---: | ---: |");
    foreach (int ef in efs)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {ef} | {recall[ef].Original.Average():0.000} | {recall[ef].Refined.Average():0.000} |"));
    }

    Console.WriteLine($"\n## {data.Name}: refined search minus the judge (first search top 20 with vectors + optimise + refined search top 10)\n");
    Console.WriteLine("| search | p50 ms | p95 ms |\n| --- | ---: | ---: |");
    foreach (var (label, values) in latency)
    {
        values.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {values[values.Count / 2]:0.0} | {values[(int)Math.Ceiling(values.Count * 0.95) - 1]:0.0} |"));
    }

    await exact.EnsureCollectionDeletedAsync(ct);
    await hnsw.EnsureCollectionDeletedAsync(ct);
}

static async Task<double> LoadAsync(VectorStoreCollection<long, ScaleRecord> collection, ScaleRecord[] records, CancellationToken ct)
{
    await collection.EnsureCollectionDeletedAsync(ct);
    await collection.EnsureCollectionExistsAsync(ct);
    var timer = Stopwatch.StartNew();
    foreach (var batch in records.Chunk(1000))
    {
        await collection.UpsertAsync(batch, ct);
    }

    return timer.Elapsed.TotalSeconds;
}

static async Task<float[]> RefinedAsync(VectorStoreCollection<long, ScaleRecord> collection, float[] query, int group, CancellationToken ct)
{
    var judged = await collection.SearchAsync(query, 20, new VectorSearchOptions<ScaleRecord> { IncludeVectors = true }, ct).ToListAsync(ct);
    var documents = judged.SelectMany(h => h.Record.Vector.ToArray()).ToArray();
    var scores = judged.Select(h => h.Record.Group == group ? 1f : 0f).ToArray();
    return QueryRefiner.Refine(query, documents, scores, null, new RefinementOptions(), ct).RefinedQuery;
}

static async Task<List<long>> TopAsync(VectorStoreCollection<long, ScaleRecord> collection, float[] query, CancellationToken ct) =>
    await collection.SearchAsync(query, 10, null, ct).Select(h => h.Record.Id).ToListAsync(ct);

static async Task<ScaleData> ClincAsync(string directory, CancellationToken ct)
{
    var dataset = Clinc150Loader.Load(directory);
    string cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "refine", "scale");
    using var embedder = new DiskCachingEmbeddingGenerator(UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = Environment.GetEnvironmentVariable(UseLiteOptions.ModelDirectoryVariable) }), cache, "use-lite");
    Console.Error.WriteLine($"scale: embedding {dataset.Documents.Count} CLINC150 utterances with USE-Lite (cached in {cache})");
    var vectors = new List<float[]>();
    foreach (var chunk in dataset.Documents.Chunk(500))
    {
        var embeddings = await embedder.GenerateAsync(chunk.Select(d => d.Text), cancellationToken: ct);
        vectors.AddRange(embeddings.Select(e => ScaleData.Unit(e.Vector.ToArray())));
    }

    var groups = new int[vectors.Count];
    for (int q = 0; q < dataset.Queries.Count; q++)
    {
        var query = dataset.Queries[q];
        for (int i = 0; i < query.Pool.Count; i++)
        {
            if (query.Labels[i] > 0)
            {
                groups[query.Pool[i]] = q;
            }
        }
    }

    var queryVectors = await embedder.GenerateAsync(dataset.Queries.Select(q => q.Text), cancellationToken: ct);
    return new ScaleData($"CLINC150 ({vectors.Count:N0} utterances, USE-Lite 512-d, 150 intent descriptions as written)", [.. vectors], groups,
        [.. queryVectors.Select(e => ScaleData.Unit(e.Vector.ToArray()))], [.. Enumerable.Range(0, dataset.Queries.Count)]);
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Unexpected argument '{args[i]}'.");
        }

        string key = args[i][2..];
        result[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
    }

    return result;
}
