using BenchmarkDotNet.Attributes;
using RefineMemory.Judge;
using RefineMemory.Onnx.Judge;

namespace RefineMemory.Benchmarks;

/// <summary>
/// The committed fixture cross-encoder (fixtures/onnx/tiny-cross-encoder, hidden 64, 2 layers) judging the
/// paper's feedback sample of 20 documents for one query: pairs per run 1 versus 20 (one batch).
/// dotnet run -c Release --project benchmarks/RefineMemory.Benchmarks -- --filter '*OnnxCrossEncoder*'
/// </summary>
[MemoryDiagnoser]
public class OnnxCrossEncoderBenchmarks
{
    private JudgeRequest _request = null!;
    private OnnxCrossEncoderJudge _single = null!;
    private OnnxCrossEncoderJudge _batched = null!;

    [GlobalSetup]
    public void Setup()
    {
        string dir = Path.Combine(OnnxEmbeddingBenchmarks.FindRoot(), "fixtures", "onnx", "tiny-cross-encoder");
        var documents = Enumerable.Range(0, 20)
            .Select(i => new JudgeDocument($"d{i}", $"Document {i}: assisted suicide should be legal because people must be able to end their own suffering with dignity."))
            .ToArray();
        _request = new JudgeRequest("Is assisted suicide ethical?", documents);
        var session = new RefineMemory.Onnx.OnnxSessionOptions { IntraOpThreads = 1 };
        _single = OnnxCrossEncoderJudge.FromModelDirectory(dir, new OnnxCrossEncoderOptions { BatchSize = 1, Session = session });
        _batched = OnnxCrossEncoderJudge.FromModelDirectory(dir, new OnnxCrossEncoderOptions { BatchSize = 20, Session = session });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _single.Dispose();
        _batched.Dispose();
    }

    [Benchmark(Baseline = true, Description = "judge 20, one pair per run")]
    public Task<JudgeResult> JudgeSingle() => _single.JudgeAsync(_request);

    [Benchmark(Description = "judge 20, one batch")]
    public Task<JudgeResult> JudgeBatched() => _batched.JudgeAsync(_request);
}
