using RefineMemory.Evaluation.Datasets;
using RefineMemory.Testing;

namespace RefineMemory.Evaluation.Tests.Support;

/// <summary>The real sets from ../shared, loaded once per test run.</summary>
internal static class SharedSets
{
    private static readonly Lazy<EvalDataset> LazyArgKp = new(() => ArgKp21Loader.Load(RepoPaths.RequireShared("datasets/argkp21")));
    private static readonly Lazy<EvalDataset> LazyClinc = new(() => Clinc150Loader.Load(RepoPaths.RequireShared("datasets/clinc150")));

    public static EvalDataset ArgKp21 => LazyArgKp.Value;

    public static EvalDataset Clinc150 => LazyClinc.Value;
}

internal static class TempFiles
{
    public static string Write(string name, string content)
    {
        string dir = Path.Combine(Path.GetTempPath(), "refine-eval-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public static string NewDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "refine-eval-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
