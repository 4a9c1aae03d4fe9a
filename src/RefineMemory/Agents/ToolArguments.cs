using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace RefineMemory.Agents;

/// <summary>
/// Reads tool-call arguments, which arrive as <see cref="JsonElement"/>s from chat and MCP clients or as
/// CLR values from direct callers, and rejects wrong ones with a message the model can act on.
/// </summary>
internal static class ToolArguments
{
    /// <summary>
    /// Refuses an argument the tool's schema does not declare: the schemas say <c>additionalProperties: false</c>,
    /// and a misspelt optional argument (<c>"filters"</c>) silently ignored would give the caller results it did not ask for.
    /// </summary>
    public static void RejectUnknown(AIFunctionArguments args, string tool, JsonElement schema)
    {
        var properties = schema.GetProperty("properties");
        foreach (string name in args.Keys)
        {
            if (!properties.TryGetProperty(name, out _))
            {
                string known = string.Join(", ", properties.EnumerateObject().Select(p => $"'{p.Name}'"));
                throw new ToolArgumentException($"The argument '{name}' is not a parameter of the {tool} tool; its parameters are {known}.", name);
            }
        }
    }

    public static string? String(AIFunctionArguments args, string name, bool required, int maxChars = int.MaxValue)
    {
        if (!args.TryGetValue(name, out object? value) || value is null || value is JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined })
        {
            return required ? throw new ToolArgumentException($"The required argument '{name}' is missing.", name) : null;
        }

        string? s = value switch
        {
            string str => str,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => throw new ToolArgumentException($"The argument '{name}' must be a string.", name),
        };
        if (required && string.IsNullOrWhiteSpace(s))
        {
            throw new ToolArgumentException($"The argument '{name}' must not be empty.", name);
        }

        if (s?.Length > maxChars)
        {
            throw new ToolArgumentException(FormattableString.Invariant($"The argument '{name}' has {s.Length:N0} characters; at most {maxChars:N0} are accepted."), name);
        }

        return s;
    }

    public static int? Int(AIFunctionArguments args, string name, int min, int max)
    {
        if (!args.TryGetValue(name, out object? value) || value is null || value is JsonElement { ValueKind: JsonValueKind.Null })
        {
            return null;
        }

        long? n = value switch
        {
            int i => i,
            long l => l,
            JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out long l) => l,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) => l,
            _ => null,
        };
        if (n is null || n < min || n > max)
        {
            throw new ToolArgumentException(FormattableString.Invariant($"The argument '{name}' must be an integer from {min} to {max}."), name);
        }

        return (int)n.Value;
    }

    public static bool? Bool(AIFunctionArguments args, string name)
    {
        if (!args.TryGetValue(name, out object? value) || value is null || value is JsonElement { ValueKind: JsonValueKind.Null })
        {
            return null;
        }

        return value switch
        {
            bool b => b,
            JsonElement { ValueKind: JsonValueKind.True } => true,
            JsonElement { ValueKind: JsonValueKind.False } => false,
            string s when bool.TryParse(s, out bool b) => b,
            _ => throw new ToolArgumentException($"The argument '{name}' must be true or false.", name),
        };
    }

    public static Dictionary<string, string>? Tags(AIFunctionArguments args, string name)
    {
        if (!args.TryGetValue(name, out object? value) || value is null || value is JsonElement { ValueKind: JsonValueKind.Null })
        {
            return null;
        }

        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Object } e => StringTagsOf(e, name),
            IReadOnlyDictionary<string, string> d => new Dictionary<string, string>(d, StringComparer.Ordinal),
            IDictionary<string, string> d => new Dictionary<string, string>(d, StringComparer.Ordinal),
            _ => throw new ToolArgumentException($"The argument '{name}' must be an object of string tags, e.g. {{\"lang\": \"en\"}}.", name),
        };
    }

    public static Dictionary<string, string> TagsOf(JsonElement e, string name)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            tags[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                _ => throw new ToolArgumentException($"The tag '{p.Name}' of '{name}' must be a string.", name),
            };
        }

        return tags;
    }

    /// <summary>Tags compared as text (a filter): a number or boolean would silently match nothing, so it is an error.</summary>
    private static Dictionary<string, string> StringTagsOf(JsonElement e, string name)
    {
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
            {
                throw new ToolArgumentException($"The tag '{p.Name}' of '{name}' is a {p.Value.ValueKind.ToString().ToLowerInvariant()}; tags are strings, e.g. {{\"{p.Name}\": \"{p.Value.GetRawText().Trim('"')}\"}}.", name);
            }
        }

        return TagsOf(e, name);
    }

    public static JsonElement? Element(AIFunctionArguments args, string name)
    {
        if (!args.TryGetValue(name, out object? value) || value is null)
        {
            return null;
        }

        return value is JsonElement e ? e : JsonSerializer.SerializeToElement(value, value.GetType());
    }
}
