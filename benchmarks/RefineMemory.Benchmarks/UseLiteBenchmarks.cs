using System.Text.Json;
using BenchmarkDotNet.Attributes;
using RefineMemory.UseLite;

namespace RefineMemory.Benchmarks;

/// <summary>
/// USE-Lite throughput on 512 real texts: short CLINC150 utterances (about 10 tokens) or Cranfield abstracts
/// (clipped at 128 tokens). Per-operation figures are per text (OperationsPerInvoke), so Op/s = texts/s.
/// Run: dotnet run -c Release --project benchmarks/RefineMemory.Benchmarks -- --filter '*UseLite*'
/// The side-by-side comparison with the Node reference is eng/fixtures/use-lite/compare_speed.sh.
/// </summary>
[MemoryDiagnoser]
public class UseLiteBenchmarks
{
    private const int Texts = 512;
    private UseLiteEmbeddingGenerator? _generator;
    private string[] _texts = [];

    [Params("clinc150", "cranfield")]
    public string Corpus { get; set; } = "clinc150";

    [GlobalSetup]
    public void Setup()
    {
        _generator = UseLiteEmbeddingGenerator.Create(new UseLiteOptions { ModelDirectory = Environment.GetEnvironmentVariable(UseLiteOptions.ModelDirectoryVariable) });
        _texts = Corpus == "clinc150" ? ClincUtterances() : CranfieldAbstracts();
    }

    [GlobalCleanup]
    public void Cleanup() => _generator?.Dispose();

    [Benchmark(OperationsPerInvoke = Texts)]
    public Task Embed() => _generator!.GenerateAsync(_texts);

    [Benchmark(OperationsPerInvoke = Texts)]
    public int Tokenize()
    {
        int total = 0;
        foreach (string text in _texts)
        {
            total += _generator!.Tokenize(text).Count;
        }

        return total;
    }

    internal static string[] ClincUtterances()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedFile("datasets/clinc150/data_full.json")));
        return doc.RootElement.GetProperty("train").EnumerateArray().Take(Texts).Select(p => p[0].GetString()!).ToArray();
    }

    internal static string[] CranfieldAbstracts()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedFile("datasets/cranfield/cran_docs.json")));
        return doc.RootElement.EnumerateArray().Take(Texts).Select(d => d.GetProperty("body").GetString()!).ToArray();
    }

    private static string SharedFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"'shared/{relative}' not found above {AppContext.BaseDirectory}: the benchmark needs ../shared beside the repository.");
    }
}
