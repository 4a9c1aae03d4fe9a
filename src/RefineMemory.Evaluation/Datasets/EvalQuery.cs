namespace RefineMemory.Evaluation.Datasets;

/// <summary>
/// A query of an evaluation set and its candidate pool: the documents labelled against it, as indices into
/// <see cref="EvalDataset.Documents"/>, each with a relevance label (0 = not relevant, &gt; 0 = relevant, graded
/// sets use larger numbers for more relevant).
/// </summary>
public sealed class EvalQuery
{
    /// <summary>Creates a query whose <paramref name="pool"/> (document indices) and <paramref name="labels"/> are paired by position.</summary>
    public EvalQuery(string id, string text, string? instruction, int[] pool, float[] labels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(labels);
        if (pool.Length != labels.Length)
        {
            throw new ArgumentException($"Query '{id}' has {pool.Length} pool documents but {labels.Length} labels.", nameof(labels));
        }

        Id = id;
        Text = text;
        Instruction = instruction;
        Pool = pool;
        Labels = labels;
        PositiveCount = labels.Count(l => l > 0);
    }

    /// <summary>The query's id in its dataset.</summary>
    public string Id { get; }

    /// <summary>The query as written (the judge sees this; the embedder sees it formatted with the instruction).</summary>
    public string Text { get; }

    /// <summary>The task instruction, or <c>null</c>.</summary>
    public string? Instruction { get; }

    /// <summary>Indices into <see cref="EvalDataset.Documents"/>: the candidate pool.</summary>
    public IReadOnlyList<int> Pool { get; }

    /// <summary>The label of each pool document, in pool order.</summary>
    public IReadOnlyList<float> Labels { get; }

    /// <summary>Pool documents with a label above zero.</summary>
    public int PositiveCount { get; }
}
