using System.Diagnostics;
using RefineMemory.Diagnostics;
using RefineMemory.Judge;
using RefineMemory.Memory;
using RefineMemory.Search;

namespace RefineMemory.Sqlite.Tests;

/// <summary>A refined search of a SQLite memory collection names its collection and store in its span, as OpenTelemetry's database conventions ask.</summary>
public sealed class MemoryTelemetryTests
{
    private const string Collection = "telemetry-memory-notes";

    [Fact]
    public async Task The_search_span_of_a_memory_collection_carries_its_name_and_the_store_system()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RefineMemoryTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var db = new TempDatabase();
        using var store = db.Open(new HashingEmbedder());
        await store.IngestAsync(Collection, [.. Enumerable.Range(0, 8).Select(i => new MemoryDocument($"d{i}", i % 2 == 0 ? $"the cat {i} sat on the mat" : $"a dog {i} barks at night", null, null))]);
        var search = new RefinedSearch(store, store.Embedder, new GoldJudge((_, text) => text.Contains("cat", StringComparison.Ordinal) ? 1f : 0f));

        var result = await search.SearchAsync(Collection, "where did the cat sit", top: 3);

        Assert.True(result.Diagnostics.Refined);
        Activity root;
        lock (spans)
        {
            root = Assert.Single(spans, s => s.OperationName == RefineMemoryTelemetry.SearchSpan && Equals(s.GetTagItem("db.collection.name"), Collection));
        }

        Assert.Equal("sqlite", root.GetTagItem("db.system.name"));
    }
}
