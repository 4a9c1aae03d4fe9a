using System.Text.Json;
using RefineMemory.Refine;
using RefineMemory.Testing;

namespace RefineMemory.Tests.Refine;

/// <summary>
/// The refinement must compute what the PyTorch reference computes (eng/fixtures/make_refinement_fixtures.py):
/// the refined vector within 1e-4 (max abs) and every step's loss within 1e-5 relative of PyTorch's float64 run
/// (the algorithm's exact trajectory), and the refined vector within 1e-4 of PyTorch's float32 run too.
/// </summary>
public sealed class TorchParityTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Fixtures, "refinement"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Fact]
    public void Fixtures_cover_both_modes_and_dimensions_64_to_1024()
    {
        var names = Directory.GetFiles(Path.Combine(RepoPaths.Fixtures, "refinement"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).ToList();
        Assert.Contains(names, n => n.StartsWith("kl-", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("refit-", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("d64-", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("d1024-", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Refinement_matches_pytorch(string name)
    {
        var fixture = RefinementFixture.Load(name);
        var options = new RefinementOptions
        {
            StepRule = StepSizeRule.Fixed,
            MaxAngle = null,
            Steps = fixture.Steps,
            LearningRate = fixture.LearningRate,
            Mode = fixture.ReFit ? RefinementMode.ReFit : RefinementMode.KlDivergence,
        };

        var result = QueryRefiner.Refine(fixture.Query, fixture.Documents, fixture.Scores, null, options);

        Assert.Equal(fixture.ExpectedLoss.Length, result.Loss.Count);
        for (int step = 0; step < result.Loss.Count; step++)
        {
            double expected = fixture.ExpectedLoss[step];
            double relative = Math.Abs(result.Loss[step] - expected) / Math.Abs(expected);
            Assert.True(relative <= 1e-5, $"{name}: step {step} loss {result.Loss[step]:R} vs torch {expected:R} (relative {relative:E2})");
        }

        double maxAbs = 0;
        for (int i = 0; i < fixture.ExpectedRefined.Length; i++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(result.RefinedQuery[i] - fixture.ExpectedRefined[i]));
        }

        Assert.True(maxAbs <= 1e-4, $"{name}: refined vector differs from torch by {maxAbs:E2} (max abs)");

        double maxAbs32 = 0;
        for (int i = 0; i < fixture.ExpectedRefinedFloat32.Length; i++)
        {
            maxAbs32 = Math.Max(maxAbs32, Math.Abs(result.RefinedQuery[i] - fixture.ExpectedRefinedFloat32[i]));
        }

        Assert.True(maxAbs32 <= 1e-4, $"{name}: refined vector differs from torch's float32 run by {maxAbs32:E2} (max abs)");

        // The optimisation must actually have moved the query, or the comparison proves little.
        double moved = 0;
        for (int i = 0; i < fixture.Query.Length; i++)
        {
            moved = Math.Max(moved, Math.Abs(fixture.ExpectedRefined[i] - fixture.Query[i]));
        }

        Assert.True(moved > 100 * maxAbs, $"{name}: the query moved only {moved:E2}");
    }
}

internal sealed class RefinementFixture
{
    public required float[] Query { get; init; }

    public required float[] Documents { get; init; }

    public required float[] Scores { get; init; }

    public required double LearningRate { get; init; }

    public required int Steps { get; init; }

    public required bool ReFit { get; init; }

    public required float[] ExpectedRefined { get; init; }

    public required double[] ExpectedLoss { get; init; }

    public required float[] ExpectedRefinedFloat32 { get; init; }

    public static RefinementFixture Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "refinement", name + ".json")));
        var root = doc.RootElement;
        var expected = root.GetProperty("expected");
        return new RefinementFixture
        {
            Query = Floats(root.GetProperty("query")),
            Documents = root.GetProperty("documents").EnumerateArray().SelectMany(Floats).ToArray(),
            Scores = Floats(root.GetProperty("scores")),
            LearningRate = root.GetProperty("learningRate").GetDouble(),
            Steps = root.GetProperty("steps").GetInt32(),
            ReFit = root.GetProperty("refit").GetBoolean(),
            ExpectedRefined = Floats(expected.GetProperty("refined")),
            ExpectedLoss = expected.GetProperty("loss").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            ExpectedRefinedFloat32 = Floats(root.GetProperty("expectedFloat32").GetProperty("refined")),
        };
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
}
