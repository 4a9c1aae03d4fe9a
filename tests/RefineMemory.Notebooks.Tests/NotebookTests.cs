using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using RefineMemory.OpenAI;
using RefineMemory.Samples;
using RefineMemory.Testing;
using Xunit.Abstractions;

namespace RefineMemory.Notebooks.Tests;

/// <summary>Every notebook under notebooks/ runs cell by cell without a failure; one file more is one case more.</summary>
public sealed partial class NotebookTests(ITestOutputHelper output)
{
    private const string SemanticKernelNotebook = "semantic-kernel-plugin.ipynb";
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
            string shown = string.Join(" | ", cell.Outputs.Where(o => !o.Value.StartsWith("<svg", StringComparison.Ordinal)).Select(o => ShownText(o.Value)));
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
    public async Task The_semantic_kernel_notebook_calls_the_plugin_through_the_kernel_and_shows_its_output_diagnostics_and_charts()
    {
        var run = await RunAsync(SemanticKernelNotebook);

        AssertShowsThePluginSearch(run);
        string judge = ChatModelSettings.TryFromVariables(Environment.GetEnvironmentVariable, out _, out _) ? "judge: the kernel's chat model" : "judge: GOLD LABELS (an oracle";
        Assert.Contains(run.Cells.SelectMany(c => c.Outputs), o => o.Value.StartsWith(judge, StringComparison.Ordinal));
    }

    // Sets REFINE_CHAT_* for its own run of the notebook: safe because this class's tests run one at a time and no other class runs notebooks.
    [Fact]
    public async Task The_semantic_kernel_notebook_judges_with_the_kernels_chat_model_through_SKs_OpenAI_connector_when_REFINE_CHAT_is_set()
    {
        var clinc = await Clinc150.LoadAsync(RepoPaths.RequireShared("datasets/clinc150"));
        var intentOfDescription = clinc.Descriptions.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        var intentsOfText = clinc.Utterances.ToLookup(u => u.Text, u => u.Intent, StringComparer.Ordinal);
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = (query, text) => intentOfDescription.TryGetValue(query, out string? intent) && intentsOfText.Contains(text) ? intentsOfText[text].Contains(intent) : null;
        NotebookRun run;
        using (new ScopedEnvironment(new Dictionary<string, string?>
        {
            [ChatModelSettings.EndpointVariable] = server.BaseUri.ToString(),
            [ChatModelSettings.ModelVariable] = "loopback-model",
            [ChatModelSettings.ApiKeyVariable] = "test-key",
        }))
        {
            run = await RunOnceAsync(SemanticKernelNotebook);
        }

        AssertShowsThePluginSearch(run);
        var shown = run.Cells.SelectMany(c => c.Outputs).Select(o => ShownText(o.Value)).ToList();
        Assert.Contains(shown, v => v.StartsWith($"judge: the kernel's chat model, loopback-model at {server.BaseUri}", StringComparison.Ordinal));
        Assert.Contains(shown, v => v.Contains("JudgeCacheHits 20 ", StringComparison.Ordinal) && v.Contains("Judge yes/no logprobs; the kernel's IChatClient", StringComparison.Ordinal));
        // Ten queries, each top 20 judged once: the diagnostics' repeat of the plugin's search is answered by the judge cache.
        var judgeRequests = server.ChatLog.Where(r => r.Judge is not null).ToList();
        Assert.Equal(10 * 20, judgeRequests.Count);
        Assert.All(judgeRequests, r => Assert.True(r.LogprobsRequested));
        Assert.All(server.ChatBodies, b => Assert.False(b.TryGetProperty("tools", out _)));
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
        string code = "#i \"nuget: ../artifacts/packages\"\n#i \"nuget: https://api.nuget.org/v3/index.json\"\n#r \"../lib/A.dll\"\n#r \"nuget: Some.Package, 1.0.0\"\n#r \"/abs/B.dll\"\nvar a = 1;";

        string resolved = NotebookRunner.AbsoluteReferences(code, "/repo/notebooks");

        Assert.Equal("#i \"nuget: /repo/artifacts/packages\"\n#i \"nuget: https://api.nuget.org/v3/index.json\"\n#r \"/repo/lib/A.dll\"\n#r \"nuget: Some.Package, 1.0.0\"\n#r \"/abs/B.dll\"\nvar a = 1;", resolved);
    }

    /// <summary>What the Semantic Kernel notebook must show, whatever its judge: the plugin invoked through the kernel, its tool output, the diagnostics agreeing with it, three charts, MAP, and SK's search plugin over a VectorData collection agreeing too.</summary>
    private static void AssertShowsThePluginSearch(NotebookRun run)
    {
        // Through the kernel, not the pipeline or the tool's JSON writer called directly; then SK's search plugin over the VectorData collection.
        Assert.Equal(["ingest", "search", "GetTextSearchResults"], run.KernelFunctions);
        var outputs = run.Cells.SelectMany(c => c.Outputs).ToList();
        string toolOutput = Assert.Single(outputs, o => o.MimeType == "text/plain" && o.Value.StartsWith("{\n  \"collection\": \"clinc\"", StringComparison.Ordinal)).Value;
        using (var json = JsonDocument.Parse(toolOutput))
        {
            Assert.True(json.RootElement.GetProperty("refined").GetBoolean());
            Assert.Equal(20, json.RootElement.GetProperty("judged").GetInt32());
            var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(5, results.Count);
            Assert.All(results, r => Assert.True(r.GetProperty("rank_before").GetInt32() >= 1));
        }

        var shown = outputs.Where(o => !o.Value.StartsWith("<svg", StringComparison.Ordinal)).Select(o => ShownText(o.Value)).ToList();
        Assert.Contains(shown, v => v.Contains("SameTop5AsTheFunctionResult True ", StringComparison.Ordinal));
        Assert.Contains(shown, v => v.Contains("SameTop5AsThePlugin True ", StringComparison.Ordinal));
        var charts = outputs.Where(o => o.MimeType == "text/html" && o.Value.StartsWith("<svg", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, charts.Count); // cosines and ranks before/after, AP before/after
        Assert.All(charts.Take(2), c => Assert.Contains("<circle", c.Value, StringComparison.Ordinal));
        Assert.Contains(">MAP</text>", charts[2].Value, StringComparison.Ordinal);
        var map = Assert.Single(shown.Select(v => MapSummary().Match(v)), m => m.Success);
        Assert.True(double.Parse(map.Groups["after"].Value, CultureInfo.InvariantCulture) > double.Parse(map.Groups["before"].Value, CultureInfo.InvariantCulture), map.Value);
        Assert.StartsWith("deleted ", shown[^1], StringComparison.Ordinal); // the temporary memory
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

    /// <summary>What a displayed value reads as: an HTML table's cells as words separated by single spaces.</summary>
    private static string ShownText(string value) =>
        WebUtility.HtmlDecode(Whitespace().Replace(Tag().Replace(value, " "), " ")).Trim();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"Queries 10 MapBefore (?<before>[0-9.E-]+) MapAfter (?<after>[0-9.E-]+) ")]
    private static partial Regex MapSummary();

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
