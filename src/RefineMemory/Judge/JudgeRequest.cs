namespace RefineMemory.Judge;

/// <summary>A query, the documents to judge against it, and the task instruction that defines relevance.</summary>
public sealed class JudgeRequest
{
    /// <summary>Asks for the relevance of <paramref name="documents"/> to <paramref name="query"/>, with the task <paramref name="instruction"/> when there is one.</summary>
    public JudgeRequest(string query, IReadOnlyList<JudgeDocument> documents, string? instruction = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        ArgumentNullException.ThrowIfNull(documents);
        Query = query;
        Documents = documents;
        Instruction = instruction;
    }

    /// <summary>The query as the user wrote it (without the embedding instruction template).</summary>
    public string Query { get; }

    /// <summary>The documents to judge.</summary>
    public IReadOnlyList<JudgeDocument> Documents { get; }

    /// <summary>
    /// Receives each judgment as soon as it is made (from any thread), so that a caller whose budget runs out can
    /// keep what was judged. Judges that answer all documents at once may leave it unused. Default none.
    /// </summary>
    public IProgress<RelevanceJudgment>? Progress { get; init; }

    /// <summary>The task instruction, e.g. "Given an intent description, identify utterances that express this intent."</summary>
    public string? Instruction { get; }
}

/// <summary>A document to judge.</summary>
public sealed record JudgeDocument(string Id, string Text);
