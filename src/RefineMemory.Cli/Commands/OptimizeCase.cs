using System.Globalization;
using System.Text.Json;
using RefineMemory.Refine;

namespace RefineMemory.Cli.Commands;

/// <summary>The parsed input of <c>refine optimize</c>, with one clear message per kind of bad input.</summary>
internal sealed class OptimizeCase
{
    public required float[] Query { get; init; }

    /// <summary>Row-major documents.</summary>
    public required float[] Documents { get; init; }

    public required float[] Scores { get; init; }

    public double? LearningRate { get; init; }

    public int Steps { get; init; } = 100;

    public bool ReFit { get; init; }

    public double? Temperature { get; init; }

    /// <summary>Largest vector dimension accepted.</summary>
    public const int MaxDimension = 65_536;

    /// <summary>Most judged documents accepted.</summary>
    public const int MaxDocuments = 100_000;

    /// <summary>Most floats in the document matrix (200 MB).</summary>
    public const long MaxValues = 50_000_000;

    /// <summary>Largest input file, in bytes.</summary>
    public const long MaxInputBytes = 1L << 30;

    public static OptimizeCase Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new CliInputException($"{source}: not valid JSON ({ex.Message}).");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CliInputException($"{source}: the top level must be a JSON object.");
            }

            float[] query = Vector(Required(root, "query", source), "query", source);
            if (query.Length > MaxDimension)
            {
                throw new CliInputException(FormattableString.Invariant($"{source}: \"query\" has dimension {query.Length}; at most {MaxDimension} is accepted."));
            }

            if (query.Length == 0)
            {
                throw new CliInputException($"{source}: \"query\" is empty.");
            }

            var docsElement = Required(root, "documents", source);
            if (docsElement.ValueKind != JsonValueKind.Array)
            {
                throw new CliInputException($"{source}: \"documents\" must be an array of arrays of numbers.");
            }

            int count = docsElement.GetArrayLength();
            if (count > MaxDocuments || (long)count * query.Length > MaxValues)
            {
                throw new CliInputException(FormattableString.Invariant(
                    $"{source}: {count} documents of dimension {query.Length} exceed the limits ({MaxDocuments} documents, {MaxValues} values in all)."));
            }

            if (count == 0)
            {
                throw new CliInputException($"{source}: \"documents\" is empty; at least one judged document is needed.");
            }

            var documents = new float[count * query.Length];
            int j = 0;
            foreach (var row in docsElement.EnumerateArray())
            {
                float[] v = Vector(row, $"documents[{j}]", source);
                if (v.Length != query.Length)
                {
                    throw new CliInputException($"{source}: documents[{j}] has dimension {v.Length}, but the query has {query.Length}.");
                }

                v.CopyTo(documents, j * query.Length);
                j++;
            }

            float[] scores = Vector(Required(root, "scores", source), "scores", source);
            if (scores.Length != count)
            {
                throw new CliInputException($"{source}: \"scores\" has {scores.Length} values for {count} documents.");
            }

            double? lr = Optional(root, "learningRate", source);
            if (lr is double l && !(l > 0 && l <= RefinementOptions.MaxLearningRate))
            {
                throw new CliInputException(FormattableString.Invariant($"{source}: \"learningRate\" must be above 0 and at most {RefinementOptions.MaxLearningRate} (got {l})."));
            }

            double? steps = Optional(root, "steps", source);
            if (steps is double s && (s < 1 || s > RefinementOptions.MaxSteps || s != Math.Floor(s)))
            {
                throw new CliInputException(FormattableString.Invariant($"{source}: \"steps\" must be an integer from 1 to {RefinementOptions.MaxSteps} (got {s})."));
            }

            bool refit = false;
            if (root.TryGetProperty("refit", out var r) && r.ValueKind != JsonValueKind.Null)
            {
                refit = r.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new CliInputException($"{source}: \"refit\" must be true or false."),
                };
            }

            return new OptimizeCase
            {
                Query = query,
                Documents = documents,
                Scores = scores,
                LearningRate = lr,
                Steps = steps is double st ? (int)st : 100,
                ReFit = refit,
                Temperature = Optional(root, "temperature", source),
            };
        }
    }

    private static JsonElement Required(JsonElement root, string name, string source) =>
        root.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null
            ? e
            : throw new CliInputException($"{source}: missing field \"{name}\".");

    private static double? Optional(JsonElement root, string name, string source)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.Number && double.IsFinite(e.GetDouble())
            ? e.GetDouble()
            : throw new CliInputException($"{source}: \"{name}\" must be a finite number.");
    }

    private static float[] Vector(JsonElement e, string what, string source)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new CliInputException($"{source}: \"{what}\" must be an array of numbers.");
        }

        var values = new float[e.GetArrayLength()];
        int i = 0;
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number)
            {
                string shown = item.ValueKind == JsonValueKind.String ? $"\"{item.GetString()}\"" : item.ValueKind.ToString().ToLowerInvariant();
                throw new CliInputException($"{source}: {what}[{i}] is {shown}, not a finite number.");
            }

            double v = item.GetDouble();
            if (!double.IsFinite(v) || !float.IsFinite((float)v))
            {
                throw new CliInputException($"{source}: {what}[{i}] = {v.ToString(CultureInfo.InvariantCulture)} is not a finite 32-bit number.");
            }

            values[i++] = (float)v;
        }

        return values;
    }
}
