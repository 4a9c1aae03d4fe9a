namespace RefineMemory.Evaluation.Datasets;

/// <summary>
/// Collects labelled (query, document) pairs into an <see cref="EvalDataset"/>. Documents are shared by id;
/// within a query a document whose text was already labelled is skipped (the first label wins), which is the
/// paper's de-duplication rule. Queries keep the order in which they were first seen.
/// </summary>
public sealed class DatasetBuilder
{
    private readonly string _name;
    private readonly List<EvalDocument> _documents = [];
    private readonly Dictionary<string, int> _documentById = new(StringComparer.Ordinal);
    private readonly List<PendingQuery> _queries = [];
    private readonly Dictionary<string, PendingQuery> _queryById = new(StringComparer.Ordinal);

    /// <summary>Starts an empty dataset named <paramref name="name"/>.</summary>
    public DatasetBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
    }

    /// <summary>Pairs skipped because their query already had a document with the same text.</summary>
    public int DuplicatesSkipped { get; private set; }

    /// <summary>Adds a document (or returns the index of the one with this id) and returns its index.</summary>
    public int AddDocument(string id, string text)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(text);
        if (_documentById.TryGetValue(id, out int existing))
        {
            return existing;
        }

        _documents.Add(new EvalDocument(id, text));
        _documentById[id] = _documents.Count - 1;
        return _documents.Count - 1;
    }

    /// <summary>Declares a query; declaring it again keeps the first text and instruction.</summary>
    public void AddQuery(string id, string text, string? instruction)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(text);
        if (!_queryById.ContainsKey(id))
        {
            var q = new PendingQuery(id, text, instruction);
            _queries.Add(q);
            _queryById[id] = q;
        }
    }

    /// <summary>Whether a query with this id was declared.</summary>
    public bool HasQuery(string id) => _queryById.ContainsKey(id);

    /// <summary>Labels document <paramref name="documentIndex"/> against query <paramref name="queryId"/>.</summary>
    /// <returns><c>false</c> when the query already had a document with the same text (the pair is skipped).</returns>
    public bool AddLabel(string queryId, int documentIndex, float label)
    {
        if (!_queryById.TryGetValue(queryId, out var q))
        {
            throw new KeyNotFoundException($"Query '{queryId}' was not declared.");
        }

        if ((uint)documentIndex >= (uint)_documents.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(documentIndex));
        }

        if (!float.IsFinite(label) || label < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, "A label must be a finite number >= 0.");
        }

        if (!q.SeenTexts.Add(_documents[documentIndex].Text))
        {
            DuplicatesSkipped++;
            return false;
        }

        q.Pool.Add(documentIndex);
        q.Labels.Add(label);
        return true;
    }

    /// <summary>Builds the set; queries with an empty pool are left out.</summary>
    public EvalDataset Build() => new(
        _name,
        _documents.ToArray(),
        _queries.Where(q => q.Pool.Count > 0)
                .Select(q => new EvalQuery(q.Id, q.Text, q.Instruction, q.Pool.ToArray(), q.Labels.ToArray()))
                .ToArray());

    private sealed class PendingQuery(string id, string text, string? instruction)
    {
        public string Id { get; } = id;

        public string Text { get; } = text;

        public string? Instruction { get; } = instruction;

        public List<int> Pool { get; } = [];

        public List<float> Labels { get; } = [];

        public HashSet<string> SeenTexts { get; } = new(StringComparer.Ordinal);
    }
}
