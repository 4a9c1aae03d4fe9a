namespace RefineMemory.Evaluation.Datasets;

/// <summary>
/// The generic labelled-pairs format: JSON lines (<c>{"query": "...", "document": "...", "label": 0|1,
/// "instruction": "..."}</c>, instruction optional) or CSV with the columns <c>query,document,label</c> and an
/// optional <c>instruction</c>. Rows with the same query text form one query (the first row's instruction wins);
/// documents with the same text are one document; a repeated document under one query keeps its first label.
/// </summary>
public static class LabelledPairsLoader
{
    /// <summary>Loads <paramref name="path"/>: <c>.csv</c> as CSV, anything else as JSON lines.</summary>
    /// <param name="path">The file.</param>
    /// <param name="defaultInstruction">The instruction of rows that name none.</param>
    public static EvalDataset Load(string path, string? defaultInstruction = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var state = new State(Path.GetFileNameWithoutExtension(path));
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var row in CsvRows.Read(path, "query", "document", "label"))
            {
                state.Add(row.Get("query"), row.Get("document"), row.GetLabel("label"), row.Optional("instruction") ?? defaultInstruction);
            }
        }
        else
        {
            foreach (var (line, obj) in JsonLines.Read(path))
            {
                state.Add(
                    JsonLines.RequireString(obj, "query", path, line),
                    JsonLines.RequireString(obj, "document", path, line),
                    JsonLines.RequireLabel(obj, "label", path, line),
                    JsonLines.OptionalString(obj, "instruction", path, line) ?? defaultInstruction);
            }
        }

        var dataset = state.Builder.Build();
        if (dataset.Queries.Count == 0)
        {
            throw new DatasetFormatException(path, 0, "the file holds no labelled pairs.");
        }

        return dataset;
    }

    private sealed class State(string name)
    {
        private readonly Dictionary<string, string> _queryIds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _documents = new(StringComparer.Ordinal);

        public DatasetBuilder Builder { get; } = new(name);

        public void Add(string query, string document, float label, string? instruction)
        {
            if (!_queryIds.TryGetValue(query, out string? id))
            {
                id = "q" + _queryIds.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                _queryIds[query] = id;
                Builder.AddQuery(id, query, string.IsNullOrWhiteSpace(instruction) ? null : instruction);
            }

            if (!_documents.TryGetValue(document, out int index))
            {
                index = Builder.AddDocument("d" + _documents.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), document);
                _documents[document] = index;
            }

            Builder.AddLabel(id, index, label);
        }
    }
}
