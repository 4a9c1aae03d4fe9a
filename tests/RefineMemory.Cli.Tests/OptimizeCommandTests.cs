using System.Text.Json;
using RefineMemory.Testing;

namespace RefineMemory.Cli.Tests;

public sealed class OptimizeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-optimize-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Optimize_reproduces_the_pytorch_fixture_through_the_command_line()
    {
        string fixture = Path.Combine(RepoPaths.Fixtures, "refinement", "refit-d64-m20.json");
        string output = Path.Combine(_dir, "out.json");

        var (code, _, stderr) = await CliProcess.RunAsync("optimize", "--input", fixture, "--output", output);

        Assert.True(code == 0, stderr);
        using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(fixture));
        using var actual = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var refined = actual.RootElement.GetProperty("refined").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var reference = expected.RootElement.GetProperty("expected").GetProperty("refined").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(reference.Length, refined.Length);
        Assert.All(refined.Zip(reference), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4));
        Assert.Equal(100, actual.RootElement.GetProperty("loss").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"documents":[[1,0]],"scores":[1]}""", "missing field \"query\"")]
    [InlineData("""{"query":[1,0],"documents":[],"scores":[]}""", "\"documents\" is empty")]
    [InlineData("""{"query":[1,0],"documents":[[1,0],[1]],"scores":[1,0]}""", "documents[1] has dimension 1, but the query has 2")]
    [InlineData("""{"query":[1,0],"documents":[[1,0]],"scores":[1,0]}""", "\"scores\" has 2 values for 1 documents")]
    [InlineData("""{"query":[1,"NaN"],"documents":[[1,0]],"scores":[1]}""", "query[1] is \"NaN\", not a finite number")]
    [InlineData("""{"query":[1,0],"documents":[[1,0]],"scores":[1],"steps":0}""", "\"steps\" must be an integer from 1 to 10000")]
    [InlineData("""{"query":[1,0],"documents":[[1,0]],"scores":[1],"steps":2147483647}""", "\"steps\" must be an integer from 1 to 10000")]
    [InlineData("""{"query":[1,0],"documents":[[1,0]],"scores":[1],"learningRate":1e308}""", "\"learningRate\" must be above 0 and at most 1")]
    [InlineData("""{"query":[1,0],"documents":[[1,0]],"scores":[1],"learningRate":1e10}""", "\"learningRate\" must be above 0 and at most 1")]
    [InlineData("""{"query":[1,0],"documents":[[0,0]],"scores":[1]}""", "document 0 is the zero vector")]
    [InlineData("""{"query":[1,0], "documents":""", "not valid JSON")]
    public async Task Bad_input_exits_non_zero_with_one_line_naming_the_problem(string json, string expected)
    {
        string input = Path.Combine(_dir, "case.json");
        await File.WriteAllTextAsync(input, json);

        var (code, stdout, stderr) = await CliProcess.RunAsync("optimize", "--input", input);

        Assert.True(code == 2, $"exit {code}: {stderr}");
        Assert.Empty(stdout);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Missing_input_file_is_named()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("optimize", "--input", Path.Combine(_dir, "nope.json"));
        Assert.Equal(2, code);
        Assert.Contains("nope.json", stderr, StringComparison.Ordinal);
    }
}
