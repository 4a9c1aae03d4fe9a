namespace RefineMemory.Memory;

/// <summary>
/// Splits text into chunks of at most <see cref="ChunkingOptions.MaxChars"/> characters, cutting at a
/// paragraph, sentence or word boundary where one lies in the second half of the window, and starting each
/// chunk <see cref="ChunkingOptions.Overlap"/> characters before the previous one ended. Markdown is first
/// split at headings so that a chunk never spans two sections.
/// </summary>
public static class TextChunker
{
    /// <summary>Returns the non-empty chunks of <paramref name="text"/>, in order.</summary>
    public static IReadOnlyList<string> Chunk(string text, DocumentFormat format, ChunkingOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var chunks = new List<string>();
        foreach (string section in format == DocumentFormat.Markdown ? MarkdownSections(text) : [text])
        {
            ChunkPlain(section, options, chunks);
        }

        return chunks;
    }

    private static IEnumerable<string> MarkdownSections(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var current = new System.Text.StringBuilder();
        bool inFence = false;
        foreach (string line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }

            if (!inFence && line.StartsWith('#') && current.Length > 0)
            {
                yield return current.ToString();
                current.Clear();
            }

            current.Append(line).Append('\n');
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    private static void ChunkPlain(string text, ChunkingOptions options, List<string> chunks)
    {
        int start = 0;
        while (start < text.Length)
        {
            int end = Math.Min(text.Length, start + options.MaxChars);
            if (end < text.Length)
            {
                end = WholeCharacter(text, BestCut(text, start, end));
            }

            string chunk = text[start..end].Trim();
            if (chunk.Length > 0)
            {
                chunks.Add(chunk);
            }

            if (end >= text.Length)
            {
                break;
            }

            int next = end - options.Overlap;
            if (options.Overlap > 0)
            {
                // Start the overlap at a word boundary so a chunk does not open mid-word.
                int space = text.IndexOf(' ', next, end - next);
                next = WholeCharacter(text, space >= 0 ? space + 1 : next);
            }

            start = Math.Max(next, start + 1);
        }
    }

    /// <summary>A cut at <paramref name="at"/>, moved back one when it would split a surrogate pair (an emoji, a CJK extension character).</summary>
    private static int WholeCharacter(string text, int at) =>
        at > 0 && at < text.Length && char.IsHighSurrogate(text[at - 1]) && char.IsLowSurrogate(text[at]) ? at - 1 : at;

    private static int BestCut(string text, int start, int end)
    {
        int half = start + ((end - start) / 2);
        ReadOnlySpan<char> window = text.AsSpan(half, end - half);
        int cut = window.LastIndexOf("\n\n");
        if (cut < 0)
        {
            cut = Math.Max(window.LastIndexOf(". "), Math.Max(window.LastIndexOf("? "), window.LastIndexOf("! ")));
            cut = cut >= 0 ? cut + 1 : -1;
        }

        if (cut < 0)
        {
            cut = window.LastIndexOfAny(' ', '\n', '\t');
        }

        return cut > 0 ? half + cut : end;
    }
}
