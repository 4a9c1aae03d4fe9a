namespace RefineMemory.Testing;

/// <summary>The agent tests' small memory: twelve documents, every other one about refunds, and their gold labels.</summary>
public static class RefundDocuments
{
    /// <summary>(id, text) of the twelve documents: doc0, doc2, ... are about refunds.</summary>
    public static IReadOnlyList<(string Id, string Text)> All { get; } = Enumerable.Range(0, 12).Select(i => ($"doc{i}", i % 2 == 0
        ? $"Refunds go back to the original card within {i + 3} business days; a pending refund shows as a credit."
        : $"Our store in district {i} opens at nine and sells garden furniture and outdoor lighting.")).ToArray();

    /// <summary>Gold labels for <see cref="LoopbackOpenAIServer.Labels"/>: a text is relevant when it is about refunds.</summary>
    public static bool? Labels(string query, string text) => text.Contains("refund", StringComparison.OrdinalIgnoreCase);

    /// <summary>The documents in the shape the ingest tool takes.</summary>
    public static Dictionary<string, object?>[] ForIngest() =>
        All.Select(d => new Dictionary<string, object?> { ["id"] = d.Id, ["text"] = d.Text }).ToArray();
}
