using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RefineMemory.Connectors.InMemory;
using RefineMemory.Diagnostics;
using RefineMemory.Judge;
using RefineMemory.Search;
using RefineMemory.Testing.VectorData;

namespace RefineMemory.Tests.Search;

/// <summary>A refined search under OpenTelemetry's SDK with the in-memory exporters: the span tree, its tags and the metrics.</summary>
public sealed class RefinedVectorSearchTelemetryTests
{
    // Tests of this assembly run in parallel and search collections of their own names; this one is told apart by its name.
    private const string Collection = "telemetry-passages";

    private readonly RefinementScenario _scenario = new();

    [Fact]
    public async Task A_refined_search_is_one_span_with_a_child_per_stage_and_counts_in_the_metrics()
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(RefineMemoryTelemetry.Name).AddInMemoryExporter(spans).Build();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(RefineMemoryTelemetry.Name).AddInMemoryExporter(metrics).Build();

        var collection = new ExactInMemoryVectorStore().GetCollection<string, Passage>(Collection);
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(_scenario.Passages);
        var search = new RefinedVectorSearch<Passage>(collection, _scenario.Embedder, _scenario.Judge, new() { Refinement = RefinementScenario.Refinement() });
        var result = await search.SearchAsync(RefinementScenario.Query, 10);
        tracing.ForceFlush();
        meters.ForceFlush();

        Assert.True(result.Diagnostics.Refined);
        var root = Assert.Single(spans, s => s.OperationName == RefineMemoryTelemetry.SearchSpan && Equals(s.GetTagItem("db.collection.name"), Collection));
        var children = spans.Where(s => s.ParentSpanId == root.SpanId).Select(s => s.OperationName).ToList();
        Assert.Equal(["refinememory.embed", "refinememory.retrieve", "refinememory.judge", "refinememory.refine", "refinememory.rescore"], children);
        Assert.All(spans.Where(s => s.ParentSpanId == root.SpanId), s => Assert.Equal(root.TraceId, s.TraceId));

        Assert.Equal("refinememory.exact-in-memory", root.GetTagItem("db.system.name"));
        Assert.Equal(10, root.GetTagItem("refinememory.top"));
        Assert.Equal(20, root.GetTagItem("refinememory.feedback"));
        Assert.Equal(true, root.GetTagItem("refinememory.refined"));
        Assert.Equal(20, root.GetTagItem("refinememory.judged"));
        Assert.Equal(0, root.GetTagItem("refinememory.judge.failed"));
        Assert.Equal(2, root.GetTagItem("refinememory.passes"));
        Assert.Equal(result.Diagnostics.Step!.AngleTurned, (double)root.GetTagItem("refinememory.angle")!);
        var retrieve = spans.Single(s => s.ParentSpanId == root.SpanId && s.OperationName == "refinememory.retrieve");
        Assert.Equal("search", retrieve.GetTagItem("db.operation.name"));
        Assert.Equal(Collection, retrieve.GetTagItem("db.collection.name"));
        Assert.Equal(20, spans.Single(s => s.ParentSpanId == root.SpanId && s.OperationName == "refinememory.judge").GetTagItem("refinememory.judge.documents"));

        Assert.Equal(1, Sum(metrics, "refinememory.searches", p => Tag(p, "refinememory.refined") is true));
        var stages = Points(metrics, "refinememory.stage.duration").Select(p => (string)Tag(p, "refinememory.stage")!).Order(StringComparer.Ordinal);
        Assert.Equal(["embed", "judge", "refine", "rescore", "retrieve"], stages);
        Assert.Equal(1, Points(metrics, "refinememory.search.duration").Sum(p => p.GetHistogramCount()));
    }

    [Fact]
    public async Task A_failed_search_marks_its_span_with_the_error_type()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(RefineMemoryTelemetry.Name).AddInMemoryExporter(spans).Build();
        var collection = new ExactInMemoryVectorStore().GetCollection<string, Passage>(Collection + "-failing");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(_scenario.Passages);
        var judge = new BrokenJudge();
        var search = new RefinedVectorSearch<Passage>(collection, _scenario.Embedder, judge, new() { Refinement = RefinementScenario.Refinement() });

        await Assert.ThrowsAsync<InvalidOperationException>(() => search.SearchAsync(RefinementScenario.Query, 10));
        tracing.ForceFlush();

        var root = Assert.Single(spans, s => s.OperationName == RefineMemoryTelemetry.SearchSpan && Equals(s.GetTagItem("db.collection.name"), Collection + "-failing"));
        Assert.Equal(ActivityStatusCode.Error, root.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, root.GetTagItem("error.type"));
    }

    private sealed class BrokenJudge : IRelevanceJudge
    {
        public Task<JudgeResult> JudgeAsync(JudgeRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the judge is down");
    }

    private static IEnumerable<MetricPoint> Points(List<MetricSnapshot> metrics, string name) =>
        metrics.Where(m => m.Name == name).SelectMany(m => m.MetricPoints).Where(p => Tag(p, "db.collection.name") as string == Collection);

    private static long Sum(List<MetricSnapshot> metrics, string name, Func<MetricPoint, bool> where) => Points(metrics, name).Where(where).Sum(p => p.GetSumLong());

    private static object? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value;
            }
        }

        return null;
    }
}
