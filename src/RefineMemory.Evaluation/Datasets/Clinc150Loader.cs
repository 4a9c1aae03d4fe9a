using System.Text.Json;

namespace RefineMemory.Evaluation.Datasets;

/// <summary>
/// CLINC150 as the paper builds it: the <c>train</c> split without out-of-scope utterances (15,000); each of the
/// 150 intents is a query whose text is its description from <c>clinc150_intent_mapping.csv</c>; every query's
/// pool is all 15,000 utterances, relevant iff the utterance has that intent (100 each).
/// </summary>
public static class Clinc150Loader
{
    /// <param name="directory">The folder holding <c>data_full.json</c> and <c>clinc150_intent_mapping.csv</c>.</param>
    /// <param name="split"><c>train</c> (the paper's), <c>val</c> or <c>test</c>.</param>
    public static EvalDataset Load(string directory, string split = "train")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (split is not ("train" or "val" or "test"))
        {
            throw new ArgumentException($"Unknown CLINC150 split '{split}' (train, val or test).", nameof(split));
        }

        string dataPath = Path.Combine(directory, "data_full.json");
        string mappingPath = Path.Combine(directory, "clinc150_intent_mapping.csv");
        var intents = new List<(string Name, string Description)>();
        foreach (var row in CsvRows.Read(mappingPath, "intent_name", "intent_description"))
        {
            intents.Add((row.Get("intent_name"), row.Get("intent_description")));
        }

        var utterances = ReadSplit(dataPath, split);
        var builder = new DatasetBuilder(split == "train" ? "clinc150" : "clinc150-" + split);
        var known = intents.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (_, intent) in utterances)
        {
            if (!known.Contains(intent))
            {
                throw new DatasetFormatException(mappingPath, 0, $"intent '{intent}' of {dataPath} has no description.");
            }
        }

        var documentIndex = new int[utterances.Count];
        for (int u = 0; u < utterances.Count; u++)
        {
            documentIndex[u] = builder.AddDocument($"{split}_{u}", utterances[u].Text);
        }

        foreach (var (name, description) in intents)
        {
            builder.AddQuery(name, description, TaskInstructions.Clinc150);
            for (int u = 0; u < utterances.Count; u++)
            {
                builder.AddLabel(name, documentIndex[u], utterances[u].Intent == name ? 1f : 0f);
            }
        }

        return builder.Build();
    }

    private static List<(string Text, string Intent)> ReadSplit(string path, string split)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Dataset file '{path}' does not exist.", path);
        }

        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        if (!doc.RootElement.TryGetProperty(split, out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new DatasetFormatException(path, 0, $"there is no '{split}' array.");
        }

        var result = new List<(string, string)>(items.GetArrayLength());
        int n = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 2
                || item[0].ValueKind != JsonValueKind.String || item[1].ValueKind != JsonValueKind.String)
            {
                throw new DatasetFormatException(path, 0, $"item {n} of '{split}' is not a [text, intent] pair.");
            }

            result.Add((item[0].GetString()!, item[1].GetString()!));
            n++;
        }

        return result;
    }
}
