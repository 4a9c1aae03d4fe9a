using System.Text.Json;
using BenchmarkDotNet.Attributes;
using RefineMemory.Onnx.Embed;

namespace RefineMemory.Benchmarks;

/// <summary>
/// Sentences per second of the committed fixture embedder (fixtures/onnx/tiny-embedder: BERT-shaped, hidden 64,
/// 2 layers, max 32 tokens) on 64 real sentences (CLINC150 and ArgKP-21 texts from the tokenizer fixture):
/// one sentence per model run versus padded batches of 32. Each benchmark embeds all 64 sentences, so
/// 64 / Mean is the throughput. Tokenisation alone is the baseline cost.
/// dotnet run -c Release --project benchmarks/RefineMemory.Benchmarks -- --filter '*Onnx*'
/// </summary>
[MemoryDiagnoser]
public class OnnxEmbeddingBenchmarks
{
    private string[] _texts = [];
    private OnnxEmbeddingGenerator _single = null!;
    private OnnxEmbeddingGenerator _batched = null!;

    [Params(1, 0)]
    public int IntraOpThreads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string root = FindRoot();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "fixtures", "onnx", "tokenizer_parity.json")));
        _texts = doc.RootElement.GetProperty("singles").EnumerateArray().Select(c => c.GetProperty("text").GetString()!)
            .Where(t => t.Length > 20).Skip(60).Take(64).ToArray();
        string dir = Path.Combine(root, "fixtures", "onnx", "tiny-embedder");
        var session = new RefineMemory.Onnx.OnnxSessionOptions { IntraOpThreads = IntraOpThreads };
        _single = OnnxEmbeddingGenerator.FromModelDirectory(dir, new OnnxEmbeddingOptions { BatchSize = 1, Session = session });
        _batched = OnnxEmbeddingGenerator.FromModelDirectory(dir, new OnnxEmbeddingOptions { BatchSize = 32, Session = session });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _single.Dispose();
        _batched.Dispose();
    }

    [Benchmark(Baseline = true, Description = "tokenize only (64 sentences)")]
    public int TokenizeOnly()
    {
        int tokens = 0;
        foreach (string t in _texts)
        {
            tokens += _batched.Tokenizer.Encode(t, _batched.MaxLength).Length;
        }

        return tokens;
    }

    [Benchmark(Description = "embed 64, one per run")]
    public int EmbedSingle() => _single.Generate(_texts).Count;

    [Benchmark(Description = "embed 64, batches of 32")]
    public int EmbedBatched() => _batched.Generate(_texts).Count;

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RefineMemory.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("RefineMemory.sln not found above " + AppContext.BaseDirectory);
    }
}
