using System.Collections.Concurrent;
using RefineMemory.Testing;
using Xunit.Abstractions;

namespace RefineMemory.Notebooks.Tests;

/// <summary>Every notebook under notebooks/ runs cell by cell without a failure; one file more is one case more.</summary>
public sealed class NotebookTests(ITestOutputHelper output)
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "notebooks");

    // Each notebook runs once per test run; the tests below share its cells' results.
    private static readonly ConcurrentDictionary<string, Lazy<Task<NotebookRun>>> Runs = new(StringComparer.Ordinal);

    public static TheoryData<string> Notebooks() => [.. Directory.GetFiles(Folder, "*.ipynb").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Every_cell_runs_in_order_without_a_failure(string notebook)
    {
        var cells = (await RunAsync(notebook)).Cells;

        Assert.NotEmpty(cells);
        foreach (var cell in cells)
        {
            string shown = string.Join(" | ", cell.Outputs.Where(o => !o.Value.StartsWith("<svg", StringComparison.Ordinal)).Select(o => System.Text.RegularExpressions.Regex.Replace(o.Value, "<[^>]+>", " ")));
            output.WriteLine($"cell {cell.Index}: {(shown.Length > 400 ? shown[..400] : shown)}");
        }
    }

    [Fact]
    public async Task The_step_by_step_notebook_draws_its_four_charts_and_refines()
    {
        var cells = (await RunAsync("refinement-step-by-step.ipynb")).Cells;

        var charts = cells.SelectMany(c => c.Outputs).Where(o => o.MimeType == "text/html" && o.Value.StartsWith("<svg", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, charts.Count); // loss curve, cosines, ranks, MAP
        Assert.Contains("<path d=\"M", charts[0].Value, StringComparison.Ordinal); // the loss curve is a line
        Assert.Contains(">MAP</text>", charts[3].Value, StringComparison.Ordinal);
        string summary = string.Concat(cells[^1].Outputs.Select(o => o.Value));
        Assert.Contains("MapAfter", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cell_that_throws_or_does_not_compile_fails_the_run_naming_the_cell()
    {
        string folder = Directory.CreateTempSubdirectory("refine-notebook-").FullName;
        try
        {
            string thrower = Path.Combine(folder, "throws.ipynb");
            string broken = Path.Combine(folder, "broken.ipynb");
            await File.WriteAllTextAsync(thrower, Notebook("var x = 1;", "throw new InvalidOperationException(\"boom\");"));
            await File.WriteAllTextAsync(broken, Notebook("int y = \"not a number\";"));

            var thrown = await Assert.ThrowsAsync<NotebookCellFailedException>(() => NotebookRunner.RunAsync(thrower, CancellationToken.None));
            var compile = await Assert.ThrowsAsync<NotebookCellFailedException>(() => NotebookRunner.RunAsync(broken, CancellationToken.None));

            Assert.Contains("throws.ipynb, cell 1", thrown.Message, StringComparison.Ordinal);
            Assert.Contains("boom", thrown.Message, StringComparison.Ordinal);
            Assert.Contains("broken.ipynb, cell 0", compile.Message, StringComparison.Ordinal);
            Assert.Contains("CS0029", compile.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Relative_file_references_resolve_against_the_notebook_folder_and_others_stay()
    {
        string code = "#r \"../lib/A.dll\"\n#r \"nuget: Some.Package, 1.0.0\"\n#r \"/abs/B.dll\"\nvar a = 1;";

        string resolved = NotebookRunner.AbsoluteReferences(code, "/repo/notebooks");

        Assert.Equal("#r \"/repo/lib/A.dll\"\n#r \"nuget: Some.Package, 1.0.0\"\n#r \"/abs/B.dll\"\nvar a = 1;", resolved);
    }

    private static Task<NotebookRun> RunAsync(string notebook)
    {
        RepoPaths.RequireShared("datasets/clinc150");
        return Runs.GetOrAdd(notebook, n => new(() => RunOnceAsync(n))).Value;
    }

    private static async Task<NotebookRun> RunOnceAsync(string notebook)
    {
        using var invocations = new KernelFunctionInvocations();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var cells = await NotebookRunner.RunAsync(Path.Combine(Folder, notebook), timeout.Token);
        return new NotebookRun(cells, invocations.Names);
    }

    /// <summary>A notebook's cells and the Semantic Kernel functions invoked while it ran.</summary>
    private sealed record NotebookRun(IReadOnlyList<CellRun> Cells, IReadOnlyList<string> KernelFunctions);

    private static string Notebook(params string[] cells) => System.Text.Json.JsonSerializer.Serialize(new
    {
        cells = cells.Select(c => new { cell_type = "code", execution_count = (int?)null, metadata = new { }, outputs = Array.Empty<object>(), source = new[] { c } }),
        metadata = new { kernelspec = new { display_name = ".NET (C#)", language = "C#", name = ".net-csharp" }, language_info = new { name = "polyglot-notebook" } },
        nbformat = 4,
        nbformat_minor = 5,
    });
}
