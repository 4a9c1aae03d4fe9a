using System.Globalization;
using System.Text.RegularExpressions;

namespace RefineMemory.Judge;

/// <summary>Reads a 0-100 relevance rating from a model's text answer (the verbalized judge mode).</summary>
public static partial class VerbalizedRating
{
    /// <summary>The first number in <paramref name="text"/>, divided by 100, when it lies in [0, 100].</summary>
    public static bool TryParse(string? text, out double score)
    {
        score = double.NaN;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var match = FirstNumber().Match(text);
        if (!match.Success || !double.TryParse(match.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || value < 0 || value > 100)
        {
            return false;
        }

        score = value / 100;
        return true;
    }

    [GeneratedRegex(@"(?<![\d.])\d+(\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex FirstNumber();
}
