using System.Text.Json;

namespace RefineMemory.Samples;

/// <summary>
/// CLINC150 as the paper uses it: the train utterances of the in-scope intents are the documents, each
/// intent's description (from the mapping file) is a query, and an utterance is relevant iff it has that intent.
/// </summary>
public sealed class Clinc150
{
    /// <summary>The paper's task instruction for this dataset.</summary>
    public const string Instruction = "Given an intent description, identify utterances that express this intent.";

    private Clinc150(IReadOnlyList<(string Id, string Text, string Intent)> utterances, IReadOnlyDictionary<string, string> descriptions)
    {
        Utterances = utterances;
        Descriptions = descriptions;
    }

    /// <summary>Utterances in file order; the id is "train-{index}".</summary>
    public IReadOnlyList<(string Id, string Text, string Intent)> Utterances { get; }

    /// <summary>Intent name to its natural-language description.</summary>
    public IReadOnlyDictionary<string, string> Descriptions { get; }

    /// <summary>
    /// Loads <c>data_full.json</c> and <c>clinc150_intent_mapping.csv</c> from <paramref name="folder"/>, keeping
    /// the first <paramref name="intents"/> intents (alphabetically) and all their train utterances.
    /// </summary>
    public static async Task<Clinc150> LoadAsync(string folder, int intents = 150, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(intents, 1);
        string data = Path.Combine(folder, "data_full.json");
        string mapping = Path.Combine(folder, "clinc150_intent_mapping.csv");
        foreach (string f in new[] { data, mapping })
        {
            if (!File.Exists(f))
            {
                throw new FileNotFoundException($"CLINC150 file '{f}' is missing (expected in the shared data folder, datasets/clinc150).", f);
            }
        }

        var descriptions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, description) in ReadMapping(await File.ReadAllTextAsync(mapping, cancellationToken).ConfigureAwait(false)))
        {
            descriptions[name] = description;
        }

        var keep = descriptions.Keys.Order(StringComparer.Ordinal).Take(intents).ToHashSet(StringComparer.Ordinal);
        using var stream = File.OpenRead(data);
        using var json = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var utterances = new List<(string, string, string)>();
        int index = 0;
        foreach (var pair in json.RootElement.GetProperty("train").EnumerateArray())
        {
            string text = pair[0].GetString()!;
            string intent = pair[1].GetString()!;
            string id = $"train-{index++}";
            if (keep.Contains(intent))
            {
                utterances.Add((id, text, intent));
            }
        }

        return new Clinc150(utterances, descriptions.Where(p => keep.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
    }

    /// <summary>The utterances as documents to ingest, tagged with their intent.</summary>
    public IReadOnlyList<Memory.MemoryDocument> Documents() =>
        Utterances.Select(u => new Memory.MemoryDocument(u.Id, u.Text, "clinc150/train", new Dictionary<string, string> { ["intent"] = u.Intent })).ToArray();

    /// <summary>A gold judge: 1 for utterances of the intent whose description is the query, else 0 (chunk ids are "{id}#0").</summary>
    public Judge.GoldJudge GoldJudge()
    {
        var intentOf = Utterances.ToDictionary(u => u.Id + "#0", u => u.Intent, StringComparer.Ordinal);
        var intentByDescription = Descriptions.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        return new Judge.GoldJudge((query, id) =>
            intentByDescription.TryGetValue(query, out string? intent) && intentOf.TryGetValue(id, out string? actual)
                ? (actual == intent ? 1f : 0f)
                : null);
    }

    private static IEnumerable<(string Name, string Description)> ReadMapping(string csv)
    {
        using var reader = new StringReader(csv);
        reader.ReadLine(); // header
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            int comma = line.IndexOf(',', StringComparison.Ordinal);
            string name = line[..comma];
            string rest = line[(comma + 1)..];
            yield return (name, rest.Length > 1 && rest[0] == '"' ? rest[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : rest);
        }
    }
}
