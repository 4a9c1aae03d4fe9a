namespace RefineMemory.Evaluation.Datasets;

/// <summary>
/// Resolves a dataset name or path: <c>argkp21</c> (train+dev; <c>argkp21:train</c>, <c>:dev</c>, <c>:test</c> one split),
/// <c>clinc150</c> (train; <c>clinc150:val</c>, <c>:test</c>), <c>cranfield</c> (<c>cranfield:val</c> / <c>:test</c>: the queries at
/// even / odd positions of the file, all documents kept), <c>pairs:FILE</c> (.jsonl or .csv),
/// <c>beir:DIR</c>, or a bare path (a folder with corpus.jsonl is BEIR, a file is labelled pairs).
/// The built-in sets are read from <c>{shared}/datasets/</c>.
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The built-in names.</summary>
    public static readonly IReadOnlyList<string> BuiltIn = ["argkp21", "argkp21:dev", "argkp21:test", "clinc150", "clinc150:val", "clinc150:test", "cranfield", "cranfield:val", "cranfield:test"];

    /// <param name="spec">The name or path.</param>
    /// <param name="sharedDirectory">The shared data folder (holding <c>datasets/</c>), or <c>null</c> to look for it.</param>
    /// <param name="instruction">For generic formats: the instruction of queries that name none.</param>
    public static EvalDataset Load(string spec, string? sharedDirectory = null, string? instruction = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        string lower = spec.ToLowerInvariant();
        switch (lower)
        {
            case "argkp21" or "argkp":
                return ArgKp21Loader.Load(Builtin(sharedDirectory, "argkp21"));
            case "argkp21:test" or "argkp21:dev" or "argkp21:train":
                return ArgKp21Loader.Load(Builtin(sharedDirectory, "argkp21"), [lower["argkp21:".Length..]]);
            case "clinc150" or "clinc":
                return Clinc150Loader.Load(Builtin(sharedDirectory, "clinc150"));
            case "clinc150:val" or "clinc150:test":
                return Clinc150Loader.Load(Builtin(sharedDirectory, "clinc150"), lower[(lower.IndexOf(':') + 1)..]);
            case "cranfield":
                return CranfieldLoader.Load(Builtin(sharedDirectory, "cranfield"));
            case "cranfield:val" or "cranfield:test":
                return HalfOfQueries(CranfieldLoader.Load(Builtin(sharedDirectory, "cranfield")), lower);
        }

        if (lower.StartsWith("pairs:", StringComparison.Ordinal))
        {
            return LabelledPairsLoader.Load(spec["pairs:".Length..], instruction);
        }

        if (lower.StartsWith("beir:", StringComparison.Ordinal))
        {
            return BeirLoader.Load(spec["beir:".Length..], instruction: instruction);
        }

        if (Directory.Exists(spec))
        {
            return BeirLoader.Load(spec, instruction: instruction);
        }

        if (File.Exists(spec))
        {
            return LabelledPairsLoader.Load(spec, instruction);
        }

        throw new ArgumentException($"Unknown dataset '{spec}': use {string.Join(", ", BuiltIn)}, pairs:FILE.jsonl|csv, beir:DIR, or an existing path.");
    }

    /// <summary>
    /// A validation/test split of a set that has none: the queries at even positions (<c>:val</c>) or odd ones (<c>:test</c>),
    /// fixed by the file's order so that both halves cover its range of topics.
    /// </summary>
    private static EvalDataset HalfOfQueries(EvalDataset dataset, string name)
    {
        int remainder = name.EndsWith(":val", StringComparison.Ordinal) ? 0 : 1;
        int position = 0;
        return dataset.Where(_ => position++ % 2 == remainder, name);
    }

    /// <summary>
    /// The shared data folder when the caller names none: the first <c>shared/</c> holding <c>datasets/</c> beside the
    /// working directory or the program, or one of their parents. <c>null</c> when none is found. (The library reads no
    /// environment; the <c>refine</c> CLI passes <c>$REFINE_SHARED_DIR</c> as the folder.)
    /// </summary>
    public static string? FindSharedDirectory()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "datasets")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static string Builtin(string? sharedDirectory, string name)
    {
        string? shared = sharedDirectory ?? FindSharedDirectory();
        string path = Path.Combine(shared ?? "../shared", "datasets", name);
        return Directory.Exists(path)
            ? path
            : throw new DirectoryNotFoundException($"Dataset folder '{Path.GetFullPath(path)}' is missing: the built-in sets are read from ../shared/datasets (name the folder holding datasets/: refine's --shared-dir or REFINE_SHARED_DIR).");
    }
}
