namespace RefineMemory.Judge;

/// <summary>
/// The judge prompts. The yes/no prompt follows the paper: task instruction (optional), query, document, then
/// "Relevant? (Yes/No):". The verbalized prompt asks for a 0-100 rating instead, for providers without logprobs.
/// </summary>
public static class JudgePrompt
{
    /// <summary>The last line of the yes/no prompt.</summary>
    public const string YesNoSuffix = "Relevant? (Yes/No):";

    /// <summary>The last line of the verbalized prompt.</summary>
    public const string VerbalizedSuffix = "Relevance (0-100):";

    private const string YesNoHeader = "Judge whether the document is relevant to the query. Answer Yes or No.";
    private const string VerbalizedHeader = "Rate how relevant the document is to the query, from 0 (not relevant) to 100 (perfectly relevant). Answer with the number only.";
    private const string InstructionMarker = "\nInstruction: ";
    private const string QueryMarker = "\nQuery: ";
    private const string DocumentMarker = "\nDocument: ";

    /// <summary>The yes/no prompt.</summary>
    public static string YesNo(string query, string document, string? instruction = null) =>
        Build(YesNoHeader, query, document, instruction, YesNoSuffix);

    /// <summary>The 0-100 rating prompt.</summary>
    public static string Verbalized(string query, string document, string? instruction = null) =>
        Build(VerbalizedHeader, query, document, instruction, VerbalizedSuffix);

    /// <summary>
    /// Recovers the parts of a prompt made by <see cref="YesNo"/> or <see cref="Verbalized"/> (used by test servers
    /// that answer from gold labels). Returns <c>false</c> for any other text.
    /// </summary>
    public static bool TryParse(string prompt, out JudgePromptParts parts)
    {
        parts = default;
        if (string.IsNullOrEmpty(prompt))
        {
            return false;
        }

        bool verbalized = prompt.EndsWith("\n" + VerbalizedSuffix, StringComparison.Ordinal);
        if (!verbalized && !prompt.EndsWith("\n" + YesNoSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        int end = prompt.Length - (verbalized ? VerbalizedSuffix : YesNoSuffix).Length - 1;
        int q = prompt.IndexOf(QueryMarker, StringComparison.Ordinal);
        int d = q < 0 ? -1 : prompt.IndexOf(DocumentMarker, q + QueryMarker.Length, StringComparison.Ordinal);
        if (q < 0 || d < 0 || d + DocumentMarker.Length > end)
        {
            return false;
        }

        int i = prompt.IndexOf(InstructionMarker, StringComparison.Ordinal);
        string? instruction = i >= 0 && i < q ? prompt[(i + InstructionMarker.Length)..q] : null;
        parts = new JudgePromptParts(
            prompt[(q + QueryMarker.Length)..d],
            prompt[(d + DocumentMarker.Length)..end],
            instruction,
            verbalized);
        return true;
    }

    private static string Build(string header, string query, string document, string? instruction, string suffix)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(document);
        string task = string.IsNullOrWhiteSpace(instruction) ? string.Empty : InstructionMarker + instruction;
        return string.Concat(header, task, QueryMarker, query, DocumentMarker, document, "\n", suffix);
    }
}

/// <summary>The parts of a judge prompt.</summary>
public readonly record struct JudgePromptParts(string Query, string Document, string? Instruction, bool IsVerbalized);
