using System.Text.Json;
using RefineMemory.Memory;
using RefineMemory.Search;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// The one pipeline answers as the old in-process path did. fixtures/pipeline/old-refined-search.json was written
/// by the old <c>RefinedSearch</c> (its own ranking, sampling and re-scoring, at cb6881b, before it became a facade)
/// over this fixture's collection with the gold judge and queries embedded at unit length (as real embedders give them;
/// the pipeline now refines every query at unit length, which the old path did not): per intent a refined search, a plain one, a filtered one and
/// one with 10 judged documents. The same calls now run through <see cref="RefinedVectorSearch{TRecord}"/>.
/// </summary>
public sealed class SameAnswersTests : IClassFixture<ClincFixture>
{
    private readonly ClincFixture _clinc;

    public SameAnswersTests(ClincFixture clinc) => _clinc = clinc;

    [Fact]
    public async Task The_pipeline_returns_the_old_paths_ids_scores_and_ranks_before()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "pipeline", "old-refined-search.json")));
        using var store = _clinc.Reopen();
        var search = new RefinedSearch(store, new HashingEmbedder(unitLength: true), _clinc.Data.GoldJudge());
        int compared = 0;
        foreach (var c in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            string intent = c.GetProperty("intent").GetString()!;
            string name = c.GetProperty("name").GetString()!;
            var (top, request) = Options(name, intent);
            var r = await search.SearchAsync("clinc", _clinc.Data.Descriptions[intent], top, request);
            string label = $"{intent}/{name}";
            Assert.Equal(c.GetProperty("refined").GetBoolean(), r.Diagnostics.Refined);
            Assert.Equal(Strings(c, "judged"), r.Diagnostics.Judged.Select(j => j.Id).ToArray());
            Assert.Equal(c.GetProperty("loss").GetInt32(), r.Diagnostics.Loss.Count);
            Assert.True(Strings(c, "ids").SequenceEqual(r.Hits.Select(h => h.Id)), label);
            Assert.Equal(Ints(c, "ranksBefore"), r.Hits.Select(h => h.RankBefore!.Value).ToArray());
            AssertClose(Floats(c, "scores"), r.Hits.Select(h => h.Score).ToArray(), label);
            AssertClose(Floats(c, "scoresBefore"), r.Hits.Select(h => h.ScoreBefore!.Value).ToArray(), label);
            compared++;
        }

        Assert.Equal(40, compared);
    }

    private static (int Top, RefinedVectorSearchRequest<MemoryRecord>? Request) Options(string name, string intent) => name switch
    {
        "default" => (20, null),
        "plain" => (20, new() { Refine = false }),
        "filtered" => (10, new() { SearchOptions = new() { Filter = MemoryRecord.TagFilter(new Dictionary<string, string> { ["intent"] = intent }) } }),
        "feedback10" => (15, new() { FeedbackCount = 10 }),
        _ => throw new InvalidDataException($"Unknown case '{name}' in the fixture."),
    };

    private static void AssertClose(float[] expected, float[] actual, string label)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f, $"{label}: hit {i} scored {actual[i]}, the old path {expected[i]}");
        }
    }

    private static string[] Strings(JsonElement c, string name) => [.. c.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    private static int[] Ints(JsonElement c, string name) => [.. c.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];

    private static float[] Floats(JsonElement c, string name) => [.. c.GetProperty(name).EnumerateArray().Select(e => e.GetSingle())];
}
