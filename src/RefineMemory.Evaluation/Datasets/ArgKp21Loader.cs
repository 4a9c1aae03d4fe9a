namespace RefineMemory.Evaluation.Datasets;

/// <summary>
/// ArgKP-21 as the paper builds it: splits train and dev of <c>kpm_data/</c>; each key point is a query,
/// the arguments labelled against it are its pool, the label column is the label.
/// 243 queries, 24,093 pairs, 20.7 % positive.
/// </summary>
public static class ArgKp21Loader
{
    /// <summary>The splits the paper evaluates on.</summary>
    public static readonly IReadOnlyList<string> PaperSplits = ["train", "dev"];

    /// <param name="directory">The folder holding <c>kpm_data/</c> (and <c>test_data/</c>).</param>
    /// <param name="splits">Which splits: <c>train</c>, <c>dev</c>, <c>test</c>; default train + dev.</param>
    public static EvalDataset Load(string directory, IReadOnlyList<string>? splits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        splits ??= PaperSplits;
        var builder = new DatasetBuilder(splits.SequenceEqual(PaperSplits) ? "argkp21" : "argkp21-" + string.Join('+', splits));
        foreach (string split in splits)
        {
            string folder = Path.Combine(directory, split == "test" ? "test_data" : "kpm_data");
            LoadSplit(builder, folder, split);
        }

        return builder.Build();
    }

    private static void LoadSplit(DatasetBuilder builder, string folder, string split)
    {
        if (split is not ("train" or "dev" or "test"))
        {
            throw new ArgumentException($"Unknown ArgKP-21 split '{split}' (train, dev or test).", nameof(split));
        }

        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in CsvRows.Read(Path.Combine(folder, $"arguments_{split}.csv"), "arg_id", "argument"))
        {
            arguments.TryAdd(row.Get("arg_id"), row.Get("argument"));
        }

        foreach (var row in CsvRows.Read(Path.Combine(folder, $"key_points_{split}.csv"), "key_point_id", "key_point"))
        {
            builder.AddQuery(row.Get("key_point_id"), row.Get("key_point"), TaskInstructions.ArgKp21);
        }

        foreach (var row in CsvRows.Read(Path.Combine(folder, $"labels_{split}.csv"), "arg_id", "key_point_id", "label"))
        {
            string argId = row.Get("arg_id");
            string keyPointId = row.Get("key_point_id");
            if (!arguments.TryGetValue(argId, out string? text))
            {
                throw row.Error($"argument '{argId}' is not in arguments_{split}.csv.");
            }

            if (!builder.HasQuery(keyPointId))
            {
                throw row.Error($"key point '{keyPointId}' is not in key_points_{split}.csv.");
            }

            builder.AddLabel(keyPointId, builder.AddDocument(argId, text), row.GetLabel("label"));
        }
    }
}
