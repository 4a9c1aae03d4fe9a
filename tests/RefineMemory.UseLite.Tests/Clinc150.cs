using System.Text;
using System.Text.Json;
using RefineMemory.Testing;

namespace RefineMemory.UseLite.Tests;

/// <summary>
/// CLINC150 as the paper builds it: queries are the 150 intent descriptions (clinc150_intent_mapping.csv),
/// documents the 15,000 <c>train</c> utterances (duplicate texts keep the first), label 1 iff same intent.
/// </summary>
internal sealed record Clinc150(IReadOnlyList<(string Intent, string Description)> Queries, IReadOnlyList<(string Text, string Intent)> Documents)
{
    public const string Instruction = "Given an intent description, identify utterances that express this intent.";

    public static Clinc150 Load()
    {
        string dir = RepoPaths.RequireShared("datasets/clinc150");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "data_full.json")));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var documents = new List<(string, string)>();
        foreach (JsonElement pair in doc.RootElement.GetProperty("train").EnumerateArray())
        {
            string text = pair[0].GetString()!;
            if (seen.Add(text))
            {
                documents.Add((text, pair[1].GetString()!));
            }
        }

        var queries = new List<(string, string)>();
        foreach (string line in File.ReadLines(Path.Combine(dir, "clinc150_intent_mapping.csv")).Skip(1))
        {
            if (line.Length > 0)
            {
                string[] fields = ParseCsvLine(line);
                queries.Add((fields[0], fields[1]));
            }
        }

        return new Clinc150(queries, documents);
    }

    /// <summary>Keeps every <paramref name="step"/>-th intent and only the documents of those intents.</summary>
    public Clinc150 Slice(int step)
    {
        var intents = Queries.Where((_, i) => i % step == 0).ToList();
        var keep = intents.Select(q => q.Intent).ToHashSet(StringComparer.Ordinal);
        return new Clinc150(intents, Documents.Where(d => keep.Contains(d.Intent)).ToList());
    }

    private static string[] ParseCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return [.. fields];
    }
}
