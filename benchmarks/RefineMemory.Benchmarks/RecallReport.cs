using System.Diagnostics;
using System.Globalization;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Retrieve;
using RefineMemory.Testing;
using RefineMemory.UseLite;

namespace RefineMemory.Benchmarks;

/// <summary>
/// Recall@k of the 8-bit scan against the exact float32 scan, per oversampling, on our datasets (every query
/// searching the whole corpus, USE-Lite embeddings, queries as written) and on a synthetic clustered set.
/// <c>dotnet run -c Release --project benchmarks/RefineMemory.Benchmarks -- recall [--synthetic 1000000] [--queries 1000] [--datasets argkp21,clinc150,cranfield]</c>
/// </summary>
internal static class RecallReport
{
    private const int K = 10;
    private static readonly int[] Oversamplings = [1, 2, 3, 5, 10];

    public static async Task<int> RunAsync(string[] args)
    {
        int synthetic = IntOption(args, "--synthetic", 1_000_000);
        int queries = IntOption(args, "--queries", 1000);
        string[] datasets = Option(args, "--datasets", "argkp21,clinc150,cranfield").Split(',', StringSplitOptions.RemoveEmptyEntries);
        Console.WriteLine($"recall@{K} of the 8-bit scan (exact float32 re-ranking of the best k x oversampling) against the exact scan");
        Console.WriteLine($"| set | vectors x d | queries | {string.Join(" | ", Oversamplings.Select(o => $"oversampling {o}"))} |");
        Console.WriteLine($"| --- | --- | ---: | {string.Join(" | ", Oversamplings.Select(_ => "---:"))} |");

        using var embedder = datasets.Length > 0 ? UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = Environment.GetEnvironmentVariable(UseLiteOptions.ModelDirectoryVariable) }) : null;
        string cacheFolder = Path.Combine(Environment.GetEnvironmentVariable("REFINE_CACHE_DIR") is { Length: > 0 } d0 ? d0 : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "refine"), "eval");
        var cached = embedder is null ? null : new RefineMemory.Embed.DiskCachingEmbeddingGenerator(embedder, cacheFolder, "use-lite");
        foreach (string name in datasets)
        {
            var dataset = DatasetCatalog.Load(name);
            var embeddings = await DatasetEmbedder.EmbedAsync(cached!, dataset, useInstructions: false);
            int d = embeddings.Dimension;
            var index = new ExactVectorIndex(d, new ExactVectorIndexOptions { Quantization = ScanQuantization.Int8 });
            for (int i = 0; i < dataset.Documents.Count; i++)
            {
                var row = embeddings.Document(i).Span;
                if (System.Numerics.Tensors.TensorPrimitives.Norm(row) > 0)
                {
                    index.Upsert(dataset.Documents[i].Id, row);
                }
            }

            var queryVectors = Enumerable.Range(0, dataset.Queries.Count).Select(q => embeddings.Query(q).ToArray()).ToList();
            Print(name + " (USE-Lite)", index, queryVectors);
        }

        if (synthetic > 0)
        {
            const int d = 384;
            var timer = Stopwatch.StartNew();
            var data = new ClusteredVectors(d, clusters: 1000, seed: 1);
            var index = new ExactVectorIndex(d, new ExactVectorIndexOptions { InitialCapacity = synthetic, Quantization = ScanQuantization.Int8 });
            var v = new float[d];
            for (int i = 0; i < synthetic; i++)
            {
                data.Next(v);
                index.Upsert(i.ToString(CultureInfo.InvariantCulture), v);
            }

            Console.Error.WriteLine($"// built {synthetic:N0} clustered vectors in {timer.Elapsed.TotalSeconds:0.0} s");
            var queryVectors = Enumerable.Range(0, queries).Select(_ => data.Take(1)).ToList();
            Print($"synthetic, 1,000 clusters", index, queryVectors);
        }

        Console.WriteLine();
        Console.WriteLine("Memory per vector of d dimensions: float32 rows 4d bytes + 8-bit copy d + 4 bytes (384: 1,536 + 388 = 1,924; 512: 2,048 + 516 = 2,564).");
        return 0;
    }

    private static void Print(string name, ExactVectorIndex index, List<float[]> queries)
    {
        var exact = queries.Select(q => index.SearchWith(q, K, oversampling: 0)).ToArray();
        var cells = new List<string>();
        foreach (int oversampling in Oversamplings)
        {
            int found = 0, total = 0, perfect = 0;
            for (int q = 0; q < queries.Count; q++)
            {
                var approximate = index.SearchWith(queries[q], K, oversampling);
                int hit = approximate.Select(h => h.Id).Intersect(exact[q].Select(h => h.Id)).Count();
                found += hit;
                total += exact[q].Length;
                perfect += hit == exact[q].Length ? 1 : 0;
            }

            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{(double)found / total:0.0000} ({total - found} missed)"));
        }

        Console.WriteLine($"| {name} | {index.Count:N0} x {index.Dimension} | {queries.Count:N0} | {string.Join(" | ", cells)} |");
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        int.Parse(Option(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
