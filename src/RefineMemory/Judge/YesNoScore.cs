namespace RefineMemory.Judge;

/// <summary>
/// Turns token logprobs into a relevance score: P(yes) / (P(yes) + P(no)), where P(yes) sums the probability of
/// every "yes" variant among the top alternatives at one position (" Yes", "YES", "yes." count; "yesterday" does
/// not), likewise for "no". The first of the first <see cref="Positions"/> generated tokens whose yes+no mass
/// reaches the minimum is used, so a leading whitespace or quote token does not hide the answer.
/// </summary>
public static class YesNoScore
{
    /// <summary>How many leading generated tokens are examined.</summary>
    public const int Positions = 2;

    /// <summary>"yes", "no", or <c>null</c> for any other token, after trimming whitespace, quotes and punctuation.</summary>
    public static string? Classify(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var core = token.AsSpan().Trim(" \t\r\n\"'*`.,!:;()[]");
        if (core.Equals("yes", StringComparison.OrdinalIgnoreCase))
        {
            return "yes";
        }

        return core.Equals("no", StringComparison.OrdinalIgnoreCase) ? "no" : null;
    }

    /// <summary>Scores <paramref name="tokens"/>; the outcome has no score when no position carries enough mass.</summary>
    public static YesNoOutcome Compute(IReadOnlyList<GeneratedTokenLogprobs> tokens, double minimumMass)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        double bestYes = 0, bestNo = 0;
        for (int position = 0; position < Math.Min(Positions, tokens.Count); position++)
        {
            (double yes, double no) = MassAt(tokens[position]);
            if (yes + no >= minimumMass && yes + no > 0)
            {
                return new YesNoOutcome(yes / (yes + no), yes, no, position);
            }

            if (yes + no > bestYes + bestNo)
            {
                (bestYes, bestNo) = (yes, no);
            }
        }

        return new YesNoOutcome(null, bestYes, bestNo, -1);
    }

    private static (double Yes, double No) MassAt(GeneratedTokenLogprobs position)
    {
        double yes = 0, no = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var alt in position.TopAlternatives)
        {
            Add(alt.Token, alt.Logprob);
        }

        // Some providers omit the chosen token from its own top list.
        Add(position.Token, position.Logprob);
        return (yes, no);

        void Add(string token, double logprob)
        {
            if (!seen.Add(token) || !double.IsFinite(logprob))
            {
                return;
            }

            switch (Classify(token))
            {
                case "yes": yes += Math.Exp(logprob); break;
                case "no": no += Math.Exp(logprob); break;
            }
        }
    }
}

/// <summary>The yes/no reading of one response.</summary>
/// <param name="Score">P(yes)/(P(yes)+P(no)), or <c>null</c> when the mass was below the minimum.</param>
/// <param name="YesProbability">The yes mass at the position used (or the largest seen).</param>
/// <param name="NoProbability">The no mass at the position used (or the largest seen).</param>
/// <param name="Position">The generated-token position used, or -1.</param>
public readonly record struct YesNoOutcome(double? Score, double YesProbability, double NoProbability, int Position);
