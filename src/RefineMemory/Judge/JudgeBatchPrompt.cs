using System.Globalization;

namespace RefineMemory.Judge;

/// <summary>
/// The batched judge prompts (<see cref="ChatRelevanceJudgeOptions.BatchSize"/> above 1): the single prompt's task
/// instruction and query, then the documents numbered "Document [1]: ...", "Document [2]: ...", and an answer of one
/// line per document, "[n] Yes" / "[n] No" (or "[n] 0-100" when verbalized). The number in every answer line is what
/// ties an answer to its document, so a reordered answer is still read right and a missing or repeated number is seen.
/// </summary>
public static class JudgeBatchPrompt
{
    /// <summary>The last line of the batched yes/no prompt.</summary>
    public const string YesNoSuffix = "Answers (one line per document, \"[n] Yes\" or \"[n] No\"):";

    /// <summary>The last line of the batched verbalized prompt.</summary>
    public const string VerbalizedSuffix = "Ratings (one line per document, \"[n] 0-100\"):";

    private const string YesNoHeader =
        "Judge whether each document is relevant to the query, on its own. Answer one line per document, in order, as \"[n] Yes\" or \"[n] No\", and nothing else.";

    private const string VerbalizedHeader =
        "Rate how relevant each document is to the query, on its own, from 0 (not relevant) to 100 (perfectly relevant). Answer one line per document, in order, as \"[n] rating\" with the number only, and nothing else.";

    private const string InstructionMarker = "\nInstruction: ";
    private const string QueryMarker = "\nQuery: ";

    /// <summary>The marker that opens document <paramref name="number"/> (1-based) in a batched prompt.</summary>
    public static string DocumentMarker(int number) => string.Create(CultureInfo.InvariantCulture, $"\nDocument [{number}]: ");

    /// <summary>The batched yes/no prompt for <paramref name="documents"/>, numbered from 1.</summary>
    public static string YesNo(string query, IReadOnlyList<string> documents, string? instruction = null) =>
        Build(YesNoHeader, query, documents, instruction, YesNoSuffix);

    /// <summary>The batched 0-100 rating prompt for <paramref name="documents"/>, numbered from 1.</summary>
    public static string Verbalized(string query, IReadOnlyList<string> documents, string? instruction = null) =>
        Build(VerbalizedHeader, query, documents, instruction, VerbalizedSuffix);

    /// <summary>
    /// Recovers the parts of a prompt made by <see cref="YesNo"/> or <see cref="Verbalized"/> (used by test servers
    /// that answer from gold labels). Returns <c>false</c> for any other text.
    /// </summary>
    public static bool TryParse(string prompt, out JudgeBatchPromptParts parts)
    {
        parts = null!;
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
        int first = q < 0 ? -1 : prompt.IndexOf(DocumentMarker(1), q, StringComparison.Ordinal);
        if (first < 0 || first > end)
        {
            return false;
        }

        var documents = new List<string>();
        for (int start = first, n = 1; start >= 0; n++)
        {
            int textStart = start + DocumentMarker(n).Length;
            int next = prompt.IndexOf(DocumentMarker(n + 1), textStart, StringComparison.Ordinal);
            int textEnd = next < 0 || next > end ? end : next;
            documents.Add(prompt[textStart..textEnd]);
            start = textEnd == end ? -1 : next;
        }

        int i = prompt.IndexOf(InstructionMarker, StringComparison.Ordinal);
        string? instruction = i >= 0 && i < q ? prompt[(i + InstructionMarker.Length)..q] : null;
        parts = new JudgeBatchPromptParts(prompt[(q + QueryMarker.Length)..first], documents, instruction, verbalized);
        return true;
    }

    private static string Build(string header, string query, IReadOnlyList<string> documents, string? instruction, string suffix)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfZero(documents.Count);
        var text = new System.Text.StringBuilder(header);
        if (!string.IsNullOrWhiteSpace(instruction))
        {
            text.Append(InstructionMarker).Append(instruction);
        }

        text.Append(QueryMarker).Append(query);
        for (int n = 0; n < documents.Count; n++)
        {
            ArgumentNullException.ThrowIfNull(documents[n]);
            text.Append(DocumentMarker(n + 1)).Append(documents[n]);
        }

        return text.Append('\n').Append(suffix).ToString();
    }
}

/// <summary>The parts of a batched judge prompt; <see cref="Documents"/> are in prompt order (document [1] first).</summary>
public sealed record JudgeBatchPromptParts(string Query, IReadOnlyList<string> Documents, string? Instruction, bool IsVerbalized);
