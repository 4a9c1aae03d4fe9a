namespace RefineMemory.Testing;

/// <summary>Where the repository, its fixtures, its installed assets and the shared data folder are.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root (the folder holding RefineMemory.sln).</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>Committed test fixtures.</summary>
    public static string Fixtures => Path.Combine(Root, "fixtures");

    /// <summary>Assets installed by set-up (npm packages), ignored by git.</summary>
    public static string Assets => Environment.GetEnvironmentVariable("REFINE_ASSETS_DIR") is { Length: > 0 } a ? a : Path.Combine(Root, "assets");

    /// <summary>
    /// The shared data folder: $REFINE_SHARED_DIR, else ../shared beside the repository root.
    /// </summary>
    public static string Shared =>
        Environment.GetEnvironmentVariable("REFINE_SHARED_DIR") is { Length: > 0 } s ? s : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>A path under <see cref="Shared"/>; fails with a message naming it when it is absent.</summary>
    public static string RequireShared(string relative)
    {
        string path = Path.Combine(Shared, relative);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"Shared data '{path}' is missing: the tests need ../shared beside the repository (or REFINE_SHARED_DIR).", path);
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RefineMemory.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No RefineMemory.sln above {AppContext.BaseDirectory}.");
    }
}
