namespace RefineMemory.Judge;

/// <summary>
/// An oracle judge that answers with a dataset's labels: the upper bound of what a judge can give.
/// A document without a label is a <see cref="JudgeFailureKind.MissingLabel"/> failure, not a zero.
/// </summary>
public sealed class GoldJudge : IRelevanceJudge
{
    private readonly Func<string, string, float?> _labelOf;

    /// <param name="labelOf">Returns the label of (query, document id), or <c>null</c> when there is none.</param>
    public GoldJudge(Func<string, string, float?> labelOf)
    {
        ArgumentNullException.ThrowIfNull(labelOf);
        _labelOf = labelOf;
    }

    /// <summary>A gold judge over a table keyed by (query, document id).</summary>
    public static GoldJudge FromLabels(IReadOnlyDictionary<(string Query, string DocumentId), float> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return new GoldJudge((q, d) => labels.TryGetValue((q, d), out float label) ? label : null);
    }

    /// <inheritdoc />
    public Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var judgments = new RelevanceJudgment[request.Documents.Count];
        for (int i = 0; i < judgments.Length; i++)
        {
            var doc = request.Documents[i];
            float? label = _labelOf(request.Query, doc.Id);
            judgments[i] = label is float l
                ? RelevanceJudgment.Scored(doc.Id, l)
                : RelevanceJudgment.Failed(doc.Id, JudgeFailureKind.MissingLabel, $"No gold label for document '{doc.Id}' under this query.");
        }

        return Task.FromResult(new JudgeResult(judgments));
    }
}
