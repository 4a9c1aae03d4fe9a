using System.Text.Json;

namespace RefineMemory.Evaluation.Datasets;

/// <summary>Reads a JSON-lines file: one object per non-blank line, with its line number.</summary>
internal static class JsonLines
{
    public static IEnumerable<(int Line, JsonElement Value)> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Dataset file '{path}' does not exist.", path);
        }

        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            JsonElement value;
            try
            {
                using var doc = JsonDocument.Parse(text);
                value = doc.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new DatasetFormatException(path, line, $"not valid JSON ({ex.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.')}).");
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetFormatException(path, line, $"expected a JSON object, found {value.ValueKind}.");
            }

            yield return (line, value);
        }
    }

    public static string RequireString(JsonElement obj, string name, string path, int line)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            throw new DatasetFormatException(path, line, $"the field '{name}' is missing.");
        }

        string? s = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(s))
        {
            throw new DatasetFormatException(path, line, $"the field '{name}' must be a non-empty string.");
        }

        return s;
    }

    public static string? OptionalString(JsonElement obj, string name, string path, int line)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : throw new DatasetFormatException(path, line, $"the field '{name}' must be a string.");
    }

    public static float RequireLabel(JsonElement obj, string name, string path, int line)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            throw new DatasetFormatException(path, line, $"the field '{name}' is missing.");
        }

        float? label = v.ValueKind switch
        {
            JsonValueKind.True => 1f,
            JsonValueKind.False => 0f,
            JsonValueKind.Number when v.TryGetDouble(out double d) && double.IsFinite(d) && d >= 0 => (float)d,
            _ => null,
        };
        return label ?? throw new DatasetFormatException(path, line, $"'{name}' is {v.GetRawText()}; a label must be a number >= 0 or true/false.");
    }
}
