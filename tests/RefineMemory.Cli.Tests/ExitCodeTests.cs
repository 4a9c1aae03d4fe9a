namespace RefineMemory.Cli.Tests;

/// <summary>Usage errors and I/O problems end as exit 2 with one line, never as exit 1 "unexpected".</summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-exit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Case()
    {
        string path = Path.Combine(_dir, "case.json");
        File.WriteAllText(path, """{"query":[1,0],"documents":[[1,0],[0,1]],"scores":[1,0]}""");
        return path;
    }

    [Fact]
    public async Task An_output_path_that_is_a_folder_exits_2_before_any_work()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("optimize", "--input", Case(), "--output", _dir);
        Assert.Equal(2, code);
        Assert.Contains("is a folder", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_that_is_a_link_loop_exits_2_with_one_line()
    {
        string loop = Path.Combine(_dir, "loop.json");
        File.CreateSymbolicLink(loop, loop);
        var (code, _, stderr) = await CliProcess.RunAsync("optimize", "--input", loop);
        Assert.Equal(2, code);
        Assert.DoesNotContain("unexpected", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("search", "q", "--top", "many", "-c", "c")]
    [InlineData("search", "q")]
    [InlineData("optimize", "--no-such-option")]
    public async Task Option_parse_errors_exit_2(params string[] args)
    {
        var (code, _, stderr) = await CliProcess.RunAsync(args);
        Assert.Equal(2, code);
        Assert.StartsWith("refine: error:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nan_flip_probability_is_refused_before_any_data_is_loaded()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("eval", "--dataset", "argkp21", "--judge", "simulated:NaN", "--shared-dir", Path.Combine(_dir, "no-data-here"));
        Assert.Equal(2, code);
        Assert.Contains("flip probability P in [0, 1]; got 'nan'", stderr, StringComparison.Ordinal);
    }
}
