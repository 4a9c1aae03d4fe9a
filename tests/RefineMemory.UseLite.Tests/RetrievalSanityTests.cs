using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RefineMemory.Embed;
using RefineMemory.Metrics;
using Xunit.Abstractions;

namespace RefineMemory.UseLite.Tests;

/// <summary>
/// Plain embedding search on CLINC150 with USE-Lite (no refinement). By default a documented slice (every 10th
/// intent: 15 queries, their 1,500 utterances; random MAP 0.067) keeps the test fast; set REFINE_CLINC_FULL=1 for
/// the full 150 x 15,000 run recorded in docs/use-lite.md (random MAP 0.0067).
/// </summary>
public sealed class RetrievalSanityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Clinc150_plain_search_MAP_is_far_above_random()
    {
        bool full = Environment.GetEnvironmentVariable("REFINE_CLINC_FULL") == "1";
        Clinc150 data = full ? Clinc150.Load() : Clinc150.Load().Slice(10);
        var generator = SharedGenerator.Instance;

        var documents = await generator.GenerateAsync(data.Documents.Select(d => d.Text));
        var plain = await generator.GenerateAsync(data.Queries.Select(q => q.Description));
        var instructed = await generator.GenerateAsync(data.Queries.Select(q => QueryInstruction.Format(q.Description, Clinc150.Instruction)));

        double mapPlain = MeanAveragePrecision(data, plain, documents);
        double mapInstructed = MeanAveragePrecision(data, instructed, documents);
        double random = 1.0 / data.Queries.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CLINC150 {(full ? "full" : "slice every 10th intent")}: {data.Queries.Count} queries x {data.Documents.Count} documents; " +
            $"MAP plain description {mapPlain:F4}, with instruction template {mapInstructed:F4}, random ~{random:F4}"));

        Assert.True(mapPlain > 5 * random, $"MAP {mapPlain:F4} is not far above random {random:F4}");
        Assert.True(mapInstructed > 3 * random, $"MAP with instruction {mapInstructed:F4} is not far above random {random:F4}");
    }

    private static double MeanAveragePrecision(Clinc150 data, GeneratedEmbeddings<Embedding<float>> queries, GeneratedEmbeddings<Embedding<float>> documents)
    {
        var scores = new float[data.Documents.Count];
        var labels = new float[data.Documents.Count];
        var ap = new List<double>();
        for (int q = 0; q < data.Queries.Count; q++)
        {
            ReadOnlySpan<float> query = queries[q].Vector.Span;
            for (int d = 0; d < scores.Length; d++)
            {
                scores[d] = TensorPrimitives.Dot(query, documents[d].Vector.Span);
                labels[d] = data.Documents[d].Intent == data.Queries[q].Intent ? 1f : 0f;
            }

            ap.Add(RankingMetrics.AveragePrecision(scores, labels));
        }

        return RankingMetrics.MeanIgnoringNaN(ap);
    }
}
