using System.Text.Json;
using RefineMemory.Judge;
using RefineMemory.Onnx.Judge;

namespace RefineMemory.Onnx.Tests.Judge;

/// <summary>Parity with the cross-encoder-shaped fixture model (tokenizer.json, pairs with token types, logits).</summary>
public sealed class OnnxCrossEncoderJudgeTests
{
    private static readonly Lazy<Pair[]> Pairs = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OnnxFixtures.CrossEncoder, "reference.json")));
        return doc.RootElement.GetProperty("pairs").EnumerateArray().Select(p => new Pair(
            p.GetProperty("query").GetString()!, p.GetProperty("document").GetString()!,
            p.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            p.GetProperty("typeIds").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            p.GetProperty("logit").GetSingle(), p.GetProperty("score").GetSingle())).ToArray();
    });

    [Fact]
    public async Task Scores_are_the_sigmoid_of_pytorch_logits_within_1e4()
    {
        using var judge = OnnxCrossEncoderJudge.FromModelDirectory(OnnxFixtures.CrossEncoder, new OnnxCrossEncoderOptions { BatchSize = 3 });
        Assert.Equal(64, judge.MaxLength);
        foreach (var group in Pairs.Value.GroupBy(p => p.Query))
        {
            var pairs = group.ToArray();
            foreach (var p in pairs)
            {
                var encoding = judge.Tokenizer.EncodePair(p.Query, p.Document, judge.MaxLength);
                Assert.Equal(p.Ids, encoding.Ids);
                Assert.Equal(p.TypeIds, encoding.TypeIds);
            }

            var request = new JudgeRequest(group.Key, pairs.Select((p, i) => new JudgeDocument($"d{i}", p.Document)).ToArray());
            var result = await judge.JudgeAsync(request);
            Assert.Equal(pairs.Length, result.Diagnostics.Judged);
            Assert.Equal((pairs.Length + 2) / 3, result.Diagnostics.Calls);
            var logits = judge.Logits(group.Key, pairs.Select(p => p.Document).ToArray());
            for (int i = 0; i < pairs.Length; i++)
            {
                Assert.Equal($"d{i}", result.Judgments[i].DocumentId);
                Assert.InRange(result.Judgments[i].Score!.Value, pairs[i].Score - 1e-4f, pairs[i].Score + 1e-4f);
                Assert.InRange(logits[i], pairs[i].Logit - 1e-4f, pairs[i].Logit + 1e-4f);
            }
        }
    }

    [Fact]
    public async Task Cancelled_request_throws()
    {
        using var judge = OnnxCrossEncoderJudge.FromModelDirectory(OnnxFixtures.CrossEncoder);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            judge.JudgeAsync(new JudgeRequest("q", [new JudgeDocument("a", "text")]), cts.Token));
    }

    [Fact]
    public void Embedding_model_is_refused_as_a_cross_encoder()
    {
        var ex = Assert.Throws<InvalidDataException>(() => OnnxCrossEncoderJudge.FromModelDirectory(OnnxFixtures.Embedder));
        Assert.Contains("last_hidden_state", ex.Message, StringComparison.Ordinal);
    }

    private sealed record Pair(string Query, string Document, int[] Ids, int[] TypeIds, float Logit, float Score);
}
