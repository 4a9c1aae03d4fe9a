using System.Globalization;
using System.Text.RegularExpressions;

namespace RefineMemory.Judge;

/// <summary>
/// Reads the answer to a batched prompt (<see cref="JudgeBatchPrompt"/>): one line per document, "[n] answer".
/// Lines are matched to documents by their number, not their place, so a reordered answer is read right. A line
/// may also be written "n. answer", "n: answer" or "Document [n]: answer"; lines without a number in range
/// (a preamble, a blank line) are skipped. A document no line covers, or that two lines cover, gets no answer:
/// guessing which line was meant would put one document's verdict on another.
/// </summary>
public static partial class BatchAnswer
{
    /// <summary>Reads <paramref name="text"/> for documents 1..<paramref name="count"/>; entry i is document i + 1's.</summary>
    public static IReadOnlyList<BatchLine> Read(string text, int count)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var found = new List<(int Offset, string Answer, string Line)>?[count];
        int lineStart = 0;
        while (lineStart <= text.Length)
        {
            int newline = text.IndexOf('\n', lineStart);
            int lineEnd = newline < 0 ? text.Length : newline;
            string line = text[lineStart..lineEnd];
            var match = AnswerLine().Match(line);
            if (match.Success
                && int.TryParse(match.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
                && n >= 1 && n <= count)
            {
                var answer = match.Groups["a"];
                (found[n - 1] ??= []).Add((lineStart + answer.Index, answer.Value, line.Trim()));
            }

            lineStart = lineEnd + 1;
        }

        var lines = new BatchLine[count];
        for (int i = 0; i < count; i++)
        {
            lines[i] = found[i] switch
            {
                null => BatchLine.Missing(i + 1),
                [var only] => BatchLine.Answered(i + 1, only.Offset, only.Answer),
                var many => BatchLine.Repeated(i + 1, many.Select(m => m.Line).ToArray()),
            };
        }

        return lines;
    }

    // An optional "Document", the number (bracketed or not, not part of a longer number), an optional separator,
    // then the answer's first word (emphasis marks and quotes around it are left for the answer's own reader).
    [GeneratedRegex(@"^[ \t*#>-]*(?:document[ \t]*)?\[?(?<n>\d{1,3})(?!\d)\]?[ \t*]*[:.)\-=]?[ \t*]*(?<a>[^\s:*\[\]][^\s:*]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerLine();
}

/// <summary>What a batched answer says about one document.</summary>
public sealed record BatchLine
{
    private BatchLine(int number, int offset, string? answer, IReadOnlyList<string> repeats) =>
        (Number, Offset, Answer, Repeats) = (number, offset, answer, repeats);

    /// <summary>The document's number in the prompt (1-based).</summary>
    public int Number { get; }

    /// <summary>Where <see cref="Answer"/> starts in the answer text; -1 when there is no single answer.</summary>
    public int Offset { get; }

    /// <summary>The answer's first word (e.g. "Yes", "no.", "85"), or <c>null</c> when no single line covers the document.</summary>
    public string? Answer { get; }

    /// <summary>The lines that cover the document when there are several; empty otherwise.</summary>
    public IReadOnlyList<string> Repeats { get; }

    /// <summary>Why the document has no single answer, or <c>null</c> when it has one.</summary>
    public string? Problem => Answer is not null ? null
        : Repeats.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"the batched answer has no line for document [{Number}]")
            : string.Create(CultureInfo.InvariantCulture, $"the batched answer has {Repeats.Count} lines for document [{Number}] ('{string.Join("', '", Repeats)}'), so which one is meant is ambiguous");

    internal static BatchLine Answered(int number, int offset, string answer) => new(number, offset, answer, []);

    internal static BatchLine Missing(int number) => new(number, -1, null, []);

    internal static BatchLine Repeated(int number, IReadOnlyList<string> lines) => new(number, -1, null, lines);
}
