namespace RefineMemory.Embed;

/// <summary>
/// Formats a query with a task instruction, the way instruction-tuned embedders expect
/// ("Instruct: {instruction}\nQuery: {text}"). Documents are embedded without an instruction.
/// </summary>
public static class QueryInstruction
{
    /// <summary>The template used by the paper and by Qwen3/E5-style instruction embedders.</summary>
    public const string DefaultTemplate = "Instruct: {instruction}\nQuery: {text}";

    /// <summary>Formats <paramref name="query"/>; with no instruction the query is returned unchanged.</summary>
    public static string Format(string query, string? instruction, string template = DefaultTemplate)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(template);
        if (string.IsNullOrWhiteSpace(instruction))
        {
            return query;
        }

        return template.Replace("{instruction}", instruction, StringComparison.Ordinal)
                       .Replace("{text}", query, StringComparison.Ordinal);
    }
}
