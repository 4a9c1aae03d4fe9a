using System.Globalization;

namespace RefineMemory.Judge;

/// <summary>
/// Turns a batched answer into one judgment per document. With logprobs, each document is scored like a single
/// prompt (<see cref="YesNoScore"/>) at the generated token that carries its answer word; without them, from its
/// verbalized 0-100 rating. The text is read from the joined tokens when there are logprobs, so every answer's
/// place in the text is a place in the token list. A document without exactly one answer line fails.
/// </summary>
internal static class BatchScores
{
    /// <summary>Largest rounding above 0 tolerated in a provider's logprob.</summary>
    private const double LogprobTolerance = 1e-6;

    /// <summary>Scores from logprobs; <paramref name="tokens"/> are the response's generated tokens.</summary>
    public static RelevanceJudgment[] FromLogprobs(IReadOnlyList<JudgeDocument> documents, IReadOnlyList<GeneratedTokenLogprobs> tokens, double minimumMass)
    {
        var starts = new int[tokens.Count + 1];
        var text = new System.Text.StringBuilder();
        for (int t = 0; t < tokens.Count; t++)
        {
            starts[t] = text.Length;
            text.Append(tokens[t].Token);
        }

        starts[tokens.Count] = text.Length;
        string answer = text.ToString();
        var lines = BatchAnswer.Read(answer, documents.Count);
        var judgments = new RelevanceJudgment[documents.Count];
        for (int i = 0; i < documents.Count; i++)
        {
            judgments[i] = lines[i].Problem is { } problem
                ? Malformed(documents[i].Id, problem, answer)
                : ScoreAt(documents[i].Id, lines[i], TokenAt(starts, AnswerStart(lines[i])), tokens, minimumMass);
        }

        return judgments;
    }

    /// <summary>Scores from the ratings of a verbalized batched answer.</summary>
    public static RelevanceJudgment[] FromRatings(IReadOnlyList<JudgeDocument> documents, string answer)
    {
        var lines = BatchAnswer.Read(answer, documents.Count);
        var judgments = new RelevanceJudgment[documents.Count];
        for (int i = 0; i < documents.Count; i++)
        {
            string id = documents[i].Id;
            judgments[i] = lines[i].Problem is { } problem ? Malformed(id, problem, answer)
                : VerbalizedRating.TryParse(lines[i].Answer, out double rating) ? RelevanceJudgment.Scored(id, (float)rating)
                : RelevanceJudgment.Failed(id, JudgeFailureKind.MalformedResponse, $"Expected a 0-100 rating for document [{lines[i].Number}], the model answered '{lines[i].Answer}'.");
        }

        return judgments;
    }

    private static RelevanceJudgment ScoreAt(string id, BatchLine line, int position, IReadOnlyList<GeneratedTokenLogprobs> tokens, double minimumMass)
    {
        var at = tokens[position];
        if (at.Logprob > LogprobTolerance || at.TopAlternatives.FirstOrDefault(a => a.Logprob > LogprobTolerance) is not null)
        {
            // exp(logprob) > 1 is not a probability: the response is broken, not evidence.
            return RelevanceJudgment.Failed(id, JudgeFailureKind.MalformedResponse, string.Create(CultureInfo.InvariantCulture,
                $"The response gives a logprob above 0 at the answer of document [{line.Number}]; logprobs must be at most 0."));
        }

        // Only the answer's own position: the next token belongs to the next line, not to this document.
        var outcome = YesNoScore.Compute([at], minimumMass);
        return outcome.Score is double score
            ? RelevanceJudgment.Scored(id, (float)score)
            : RelevanceJudgment.Failed(id, JudgeFailureKind.NoYesNoProbability, string.Create(CultureInfo.InvariantCulture,
                $"P(yes)+P(no) = {outcome.YesProbability + outcome.NoProbability:G3} at the answer of document [{line.Number}] is below {minimumMass:G3}; the model answered '{line.Answer}'."));
    }

    /// <summary>The first letter or digit of the answer word, past any quote or emphasis mark.</summary>
    private static int AnswerStart(BatchLine line)
    {
        int skip = line.Answer!.AsSpan().IndexOfAnyExcept(" \t\"'*`_([");
        return line.Offset + Math.Max(skip, 0);
    }

    /// <summary>The token whose text holds character <paramref name="offset"/>.</summary>
    private static int TokenAt(int[] starts, int offset)
    {
        int found = Array.BinarySearch(starts, 0, starts.Length - 1, offset);
        return found >= 0 ? LastOfEqualStarts(starts, found) : ~found - 1;
    }

    // Empty tokens share a start with the next one; the character belongs to the last of them.
    private static int LastOfEqualStarts(int[] starts, int index)
    {
        while (index + 1 < starts.Length - 1 && starts[index + 1] == starts[index])
        {
            index++;
        }

        return index;
    }

    private static RelevanceJudgment Malformed(string id, string problem, string answer) =>
        RelevanceJudgment.Failed(id, JudgeFailureKind.MalformedResponse, $"{char.ToUpperInvariant(problem[0])}{problem[1..]}; the model answered '{Shorten(answer)}'.");

    private static string Shorten(string answer) => answer.Length <= 200 ? answer : answer[..200] + "…";
}
