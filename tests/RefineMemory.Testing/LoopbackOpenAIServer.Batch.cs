using System.Globalization;
using System.Text.RegularExpressions;
using RefineMemory.Judge;

namespace RefineMemory.Testing;

/// <summary>
/// Answers to batched judge prompts (<see cref="JudgeBatchPrompt"/>): one line per document, "[n] Yes"/"[n] No" from
/// the gold labels ("[n] Maybe" without a label), or "[n] 90"/"[n] 10"/"[n] unsure" when verbalized. Tokens are
/// "[", "n", "]", the answer word with its leading space, and "\n" between lines; the answer word's alternatives
/// follow the word as written (a yes word: yes mass <see cref="LoopbackOpenAIServer.RelevantYesMass"/>; a no word:
/// <see cref="LoopbackOpenAIServer.IrrelevantYesMass"/>; other words: P(yes)+P(no) = 8e-5), so the expected score of
/// a default line is <see cref="LoopbackOpenAIServer.ExpectedYesNoScore"/>. The answer is cut at the request's
/// max tokens, as a model's would be.
/// </summary>
public sealed partial class LoopbackOpenAIServer
{
    /// <summary>
    /// Rewrites the lines of a batched answer before they are sent (drop, reorder, repeat, garble), or null (default)
    /// to send them as they are. Sees the request and the default lines ("[1] Yes", "[2] No", ...).
    /// </summary>
    public Func<LoopbackChatRequest, IReadOnlyList<string>, IReadOnlyList<string>>? BatchLines { get; set; }

    private (string Text, List<(string Token, List<(string Token, double P)> Top)> Tokens) BatchAnswer(LoopbackChatRequest request, JudgeBatchPromptParts batch)
    {
        var lines = batch.Documents.Select((document, i) => string.Create(CultureInfo.InvariantCulture,
            $"[{i + 1}] {(Labels(batch.Query, document), batch.IsVerbalized) switch
            {
                (true, false) => "Yes",
                (false, false) => "No",
                (null, false) => "Maybe",
                (true, true) => "90",
                (false, true) => "10",
                (null, true) => "unsure",
            }}")).ToList();
        IReadOnlyList<string> sent = BatchLines?.Invoke(request, lines) ?? lines;
        var tokens = new List<(string Token, List<(string Token, double P)> Top)>();
        for (int l = 0; l < sent.Count; l++)
        {
            if (l > 0)
            {
                tokens.Add(("\n", [("\n", 1.0)]));
            }

            foreach (Match piece in LinePieces().Matches(sent[l]))
            {
                tokens.Add((piece.Value, Alternatives(piece.Value)));
            }
        }

        if (request.MaxTokens is int max && tokens.Count > max)
        {
            tokens.RemoveRange(max, tokens.Count - max);
        }

        return (string.Concat(tokens.Select(t => t.Token)), tokens);
    }

    private List<(string Token, double P)> Alternatives(string token)
    {
        if (!char.IsLetter(token.TrimStart()[0]))
        {
            return [(token, 1.0)];
        }

        string? word = YesNoScore.Classify(token);
        if (word is null)
        {
            return [(token, 0.6), (" Perhaps", 0.39992), (" Yes", 4e-5), (" No", 4e-5)];
        }

        double yes = word == "yes" ? RelevantYesMass : IrrelevantYesMass;
        double no = 1 - yes;
        return new List<(string, double)>
        {
            (word == "yes" ? token : " Yes", 0.75 * yes), (" yes", 0.25 * yes), (word == "no" ? token : " No", 0.75 * no), (" NO", 0.2 * no), (" Maybe", 0.05 * no),
        }.OrderByDescending(x => x.Item2).ToList();
    }

    // "[", the number, "]", then each word with its leading whitespace.
    [GeneratedRegex(@"\[|\d+(?=\])|\]|\s*[^\s\[\]]+")]
    private static partial Regex LinePieces();
}
