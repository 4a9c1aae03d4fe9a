using System.Globalization;

namespace RefineMemory.Evaluation.Datasets;

/// <summary>
/// A BEIR-format folder: <c>corpus.jsonl</c> (<c>_id</c>, <c>title</c>, <c>text</c>), <c>queries.jsonl</c>
/// (<c>_id</c>, <c>text</c>) and <c>qrels/SPLIT.tsv</c> (<c>query-id, corpus-id, score</c> with a header).
/// BEIR qrels list mostly relevant documents, so every query's pool is the whole corpus: documents absent from
/// its qrels are labelled 0. Only queries with at least one qrels row are kept.
/// </summary>
public static class BeirLoader
{
    /// <param name="directory">The BEIR folder.</param>
    /// <param name="split">The qrels file to use (<c>qrels/{split}.tsv</c>); default <c>test</c>, or the only one present.</param>
    /// <param name="instruction">The task instruction of every query, or <c>null</c>.</param>
    public static EvalDataset Load(string directory, string? split = null, string? instruction = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"BEIR folder '{directory}' does not exist.");
        }

        string qrelsPath = ResolveQrels(directory, split);
        var builder = new DatasetBuilder(new DirectoryInfo(directory).Name);
        string corpusPath = Path.Combine(directory, "corpus.jsonl");
        foreach (var (line, obj) in JsonLines.Read(corpusPath))
        {
            string id = JsonLines.RequireString(obj, "_id", corpusPath, line);
            string title = JsonLines.OptionalString(obj, "title", corpusPath, line) ?? "";
            string text = JsonLines.OptionalString(obj, "text", corpusPath, line) ?? "";
            string full = string.IsNullOrWhiteSpace(title) ? text : string.IsNullOrWhiteSpace(text) ? title : title + ". " + text;
            if (string.IsNullOrWhiteSpace(full))
            {
                throw new DatasetFormatException(corpusPath, line, $"document '{id}' has neither title nor text.");
            }

            builder.AddDocument(id, full.Trim());
        }

        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        string queriesPath = Path.Combine(directory, "queries.jsonl");
        foreach (var (line, obj) in JsonLines.Read(queriesPath))
        {
            queries.TryAdd(JsonLines.RequireString(obj, "_id", queriesPath, line), JsonLines.RequireString(obj, "text", queriesPath, line));
        }

        var graded = ReadQrels(qrelsPath, queries, builder);
        return BuildPools(builder, graded, queries, instruction);
    }

    internal static EvalDataset BuildPools(DatasetBuilder builder, Dictionary<string, Dictionary<int, float>> graded, IReadOnlyDictionary<string, string> queries, string? instruction)
    {
        var probe = builder.Build();
        int documents = probe.Documents.Count;
        foreach (var (queryId, labels) in graded)
        {
            builder.AddQuery(queryId, queries[queryId], instruction);
            for (int d = 0; d < documents; d++)
            {
                builder.AddLabel(queryId, d, labels.GetValueOrDefault(d));
            }
        }

        return builder.Build();
    }

    private static Dictionary<string, Dictionary<int, float>> ReadQrels(string path, Dictionary<string, string> queries, DatasetBuilder builder)
    {
        var documentIndex = builder.Build().Documents.Select((d, i) => (d.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var graded = new Dictionary<string, Dictionary<int, float>>(StringComparer.Ordinal);
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text) || (line == 1 && text.StartsWith("query-id", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            string[] f = text.Split('\t');
            if (f.Length < 3)
            {
                throw new DatasetFormatException(path, line, $"expected 'query-id<TAB>corpus-id<TAB>score', found {f.Length} field(s).");
            }

            if (!queries.ContainsKey(f[0]))
            {
                throw new DatasetFormatException(path, line, $"query '{f[0]}' is not in queries.jsonl.");
            }

            if (!documentIndex.TryGetValue(f[1], out int d))
            {
                throw new DatasetFormatException(path, line, $"document '{f[1]}' is not in corpus.jsonl.");
            }

            if (!float.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out float score) || !float.IsFinite(score))
            {
                throw new DatasetFormatException(path, line, $"score '{f[2]}' is not a number.");
            }

            var labels = graded.TryGetValue(f[0], out var l) ? l : graded[f[0]] = [];
            labels.TryAdd(d, Math.Max(0, score));
        }

        return graded;
    }

    private static string ResolveQrels(string directory, string? split)
    {
        string qrels = Path.Combine(directory, "qrels");
        if (split is not null)
        {
            string path = Path.Combine(qrels, split + ".tsv");
            return File.Exists(path) ? path : throw new FileNotFoundException($"BEIR qrels '{path}' does not exist.", path);
        }

        string test = Path.Combine(qrels, "test.tsv");
        if (File.Exists(test))
        {
            return test;
        }

        string[] all = Directory.Exists(qrels) ? Directory.GetFiles(qrels, "*.tsv") : [];
        return all.Length == 1
            ? all[0]
            : throw new FileNotFoundException($"BEIR folder '{directory}' needs qrels/test.tsv (or exactly one qrels/*.tsv; found {all.Length}).", test);
    }
}
