using System.Text.Json;
using RefineMemory.Metrics;
using RefineMemory.Testing;

namespace RefineMemory.Tests.Metrics;

/// <summary>Metrics against scikit-learn's values (eng/fixtures/make_metric_fixtures.py), ties and one-class pools included.</summary>
public sealed class SklearnParityTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Load())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Metrics_equal_sklearn(string name)
    {
        var c = Load().Single(e => e.GetProperty("name").GetString() == name);
        float[] scores = c.GetProperty("scores").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        float[] labels = c.GetProperty("labels").EnumerateArray().Select(e => (float)e.GetInt32()).ToArray();
        float[] graded = c.GetProperty("graded").EnumerateArray().Select(e => (float)e.GetInt32()).ToArray();

        Assert.Equal(c.GetProperty("averagePrecision").GetDouble(), RankingMetrics.AveragePrecision(scores, labels), 10);

        var auc = c.GetProperty("rocAuc");
        double ours = RankingMetrics.RocAuc(scores, labels);
        if (auc.ValueKind == JsonValueKind.Null)
        {
            Assert.True(double.IsNaN(ours), "sklearn raises for a one-class pool; we return NaN");
        }
        else
        {
            Assert.Equal(auc.GetDouble(), ours, 10);
        }

        foreach (var k in c.GetProperty("ndcg").EnumerateObject())
        {
            Assert.Equal(k.Value.GetDouble(), RankingMetrics.Ndcg(scores, graded, int.Parse(k.Name, System.Globalization.CultureInfo.InvariantCulture)), 10);
        }
    }

    private static List<JsonElement> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "metrics", "cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
