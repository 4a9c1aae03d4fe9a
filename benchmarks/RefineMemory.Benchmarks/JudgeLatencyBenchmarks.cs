using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using RefineMemory.Judge;
using RefineMemory.OpenAI;
using RefineMemory.Testing;

namespace RefineMemory.Benchmarks;

/// <summary>
/// Judge latency against a loopback OpenAI-compatible server that takes 100 ms per request: one judgment (the
/// baseline, one round trip) against 20 judgments, for several parallelism bounds. With 20 in flight, 20
/// judgments should cost about one round trip; with 1, about twenty.
/// dotnet run -c Release --project benchmarks/RefineMemory.Benchmarks -- --filter '*JudgeLatency*'
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class JudgeLatencyBenchmarks
{
    private LoopbackOpenAIServer _server = null!;
    private OpenAICompatibleChatClient _client = null!;
    private ChatRelevanceJudge _judge = null!;
    private JudgeRequest _one = null!;
    private JudgeRequest _twenty = null!;

    [Params(1, 4, 16, 20)]
    public int MaxParallelism { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = LoopbackOpenAIServer.StartAsync().GetAwaiter().GetResult();
        _server.Latency = TimeSpan.FromMilliseconds(100);
        _server.Labels = (_, text) => text.EndsWith('0');
        _client = new OpenAICompatibleChatClient(new ChatModelSettings(_server.BaseUri, "bench-model"));
        _judge = new ChatRelevanceJudge(_client, new ChatRelevanceJudgeOptions { MaxParallelism = MaxParallelism, Mode = ChatJudgeMode.YesNoLogprobs });
        var docs = Enumerable.Range(0, 20).Select(i => new JudgeDocument($"d{i}", $"document number {i}")).ToArray();
        _one = new JudgeRequest("benchmark query", docs[..1]);
        _twenty = new JudgeRequest("benchmark query", docs);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "1 judgment")]
    public Task<JudgeResult> OneJudgment() => Judge(_one);

    [Benchmark(Description = "20 judgments")]
    public Task<JudgeResult> TwentyJudgments() => Judge(_twenty);

    private async Task<JudgeResult> Judge(JudgeRequest request)
    {
        var result = await _judge.JudgeAsync(request);
        if (result.Diagnostics.Failed > 0)
        {
            throw new InvalidOperationException($"{result.Diagnostics.Failed} judgments failed: {result.Judgments.First(j => !j.Succeeded)}");
        }

        return result;
    }
}
