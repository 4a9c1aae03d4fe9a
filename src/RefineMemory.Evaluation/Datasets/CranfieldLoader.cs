using System.Globalization;
using System.Text.Json;

namespace RefineMemory.Evaluation.Datasets;

/// <summary>
/// Cranfield from <c>cran_docs.json</c>, <c>cran_queries.json</c> and <c>cran_qrels.json</c>: 1,400 abstracts
/// (title and body), 225 queries. A qrels <c>position</c> of 1 (complete answer) to 4 (minimal interest) becomes
/// the grade 5 - position (4 down to 1), so nDCG uses the grades and AP/AUC count every listed document as
/// relevant. As in BEIR, every query's pool is the whole collection (unlisted documents are labelled 0).
/// </summary>
public static class CranfieldLoader
{
    /// <summary>Reads the Cranfield collection (abstracts, queries, relevance judgements) from <paramref name="directory"/>.</summary>
    public static EvalDataset Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var builder = new DatasetBuilder("cranfield");
        string docsPath = Path.Combine(directory, "cran_docs.json");
        var documentIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        int n = 0;
        foreach (var doc in ReadArray(docsPath))
        {
            string id = Field(doc, "id", docsPath, n);
            string title = doc.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!.Trim() : "";
            string body = doc.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()!.Trim() : "";
            string text = body.Length == 0 ? title : title.Length == 0 ? body : title + ". " + body;
            documentIndex[id] = builder.AddDocument(id, text.Length == 0 ? "(empty)" : text);
            n++;
        }

        string queriesPath = Path.Combine(directory, "cran_queries.json");
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        n = 0;
        foreach (var q in ReadArray(queriesPath))
        {
            queries.TryAdd(Field(q, "query number", queriesPath, n), Field(q, "query", queriesPath, n).Trim());
            n++;
        }

        string qrelsPath = Path.Combine(directory, "cran_qrels.json");
        var graded = new Dictionary<string, Dictionary<int, float>>(StringComparer.Ordinal);
        n = 0;
        foreach (var r in ReadArray(qrelsPath))
        {
            string queryId = Field(r, "query_num", qrelsPath, n);
            string docId = Field(r, "id", qrelsPath, n);
            string position = Field(r, "position", qrelsPath, n);
            if (!queries.ContainsKey(queryId) || !documentIndex.TryGetValue(docId, out int d)
                || !int.TryParse(position, NumberStyles.Integer, CultureInfo.InvariantCulture, out int p) || p is < 1 or > 4)
            {
                throw new DatasetFormatException(qrelsPath, 0, $"item {n} (query {queryId}, document {docId}, position {position}) names an unknown query or document, or a position outside 1-4.");
            }

            var labels = graded.TryGetValue(queryId, out var l) ? l : graded[queryId] = [];
            labels.TryAdd(d, 5 - p);
            n++;
        }

        return BeirLoader.BuildPools(builder, graded, queries, TaskInstructions.Cranfield);
    }

    private static IEnumerable<JsonElement> ReadArray(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Dataset file '{path}' does not exist.", path);
        }

        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new DatasetFormatException(path, 0, "expected a JSON array.");
        }

        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static string Field(JsonElement e, string name, string path, int item) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? (v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())
            : throw new DatasetFormatException(path, 0, $"item {item} lacks '{name}'.");
}
