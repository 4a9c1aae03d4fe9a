using System.Text.Json;
using RefineMemory.Evaluation.Protocol;
using RefineMemory.Evaluation.Reports;
using RefineMemory.Evaluation.Tests.Support;

namespace RefineMemory.Evaluation.Tests;

public sealed class ReportTests
{
    [Fact]
    public async Task Report_set_writes_summary_json_csv_and_a_self_contained_html()
    {
        var slice = SharedSets.ArgKp21.Take(8);
        var embeddings = await DatasetEmbedder.EmbedAsync(new HashingEmbeddingGenerator(), slice);
        var result = await new EvaluationRunner(EvalJudges.Simulated(slice, 0.2), new EvaluationOptions { BootstrapSamples = 200 }).RunAsync(slice, embeddings);
        string dir = TempFiles.NewDirectory();
        var files = ReportSet.Write(result, new RunInfo("hashing-test", "simulated:0.2", "refine eval ...", true), dir);
        Assert.Equal(3, files.Count);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        var methods = json.RootElement.GetProperty("methods");
        foreach (string m in new[] { "baseline", "refined", "rerank" })
        {
            var s = methods.GetProperty(m);
            Assert.Equal(8, s.GetProperty("queries").GetInt32());
            Assert.Equal(result.Summary(m).Map, s.GetProperty("map").GetDouble(), 6);
            Assert.Equal(result.Summary(m).Auc, s.GetProperty("auc").GetDouble(), 6);
            Assert.Equal(result.Summary(m).Ndcg10, s.GetProperty("ndcg10").GetDouble(), 6);
        }

        Assert.False(methods.TryGetProperty("hyde", out _));
        var gain = methods.GetProperty("refined").GetProperty("mapVersusBaseline");
        Assert.Equal(2, gain.GetProperty("relativeGainCi").GetArrayLength());
        var judge = json.RootElement.GetProperty("judge");
        Assert.Equal(160, judge.GetProperty("feedbackDocuments").GetInt32());
        Assert.Equal("simulated:0.2", judge.GetProperty("name").GetString());
        Assert.True(judge.GetProperty("isOracle").GetBoolean());
        Assert.Single(json.RootElement.EnumerateObject(), p => p.Name == "judge");

        string[] csv = File.ReadAllLines(Path.Combine(dir, "per_query.csv"));
        Assert.Equal(9, csv.Length);
        Assert.StartsWith("query_id,query,pool,positives,baseline_ap,", csv[0], StringComparison.Ordinal);

        string html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Equal(3, html.Split("<svg").Length - 1);
        Assert.Contains("oracle", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
    }
}
