using System.Text.Json;
using RefineMemory.Testing;

namespace RefineMemory.Cli.Tests;

/// <summary>
/// <c>refine search</c> asked to refine: a judge that fails for every document because of its endpoint is exit 3 in
/// one line (the model endpoint failed), while a judge that answers for some documents, even too few to refine, leaves
/// the results standing with their note (exit 0).
/// </summary>
public sealed class UnreachableJudgeTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-judge-").FullName;
    private LoopbackOpenAIServer _models = null!;

    private string Database => Path.Combine(_dir, "memory.db");

    public async Task InitializeAsync()
    {
        _models = await LoopbackOpenAIServer.StartAsync();
        _models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 32);
        _models.Labels = RefundDocuments.Labels;
        string input = Path.Combine(_dir, "docs.jsonl");
        await File.WriteAllLinesAsync(input, RefundDocuments.All.Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text })));
        var (code, _, stderr) = await CliProcess.RunWithEnvironmentAsync("", Environment(_models.BaseUri.ToString()), "ingest", input, "--collection", "docs", "--db", Database, "--embedder", "openai");
        Assert.True(code == 0, stderr);
    }

    public async Task DisposeAsync()
    {
        await _models.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_judge_endpoint_that_cannot_be_reached_for_any_document_exits_3_in_one_line_naming_it()
    {
        var (code, stdout, stderr) = await SearchAsync("http://127.0.0.1:9/v1");

        Assert.True(code == 3, $"exit {code}: {stderr}");
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("127.0.0.1:9", stderr, StringComparison.Ordinal);
        Assert.Contains("--no-refine", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("ModelCallException", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task A_judge_that_answers_for_some_documents_but_too_few_to_refine_leaves_the_plain_results_with_their_note()
    {
        // Only three documents get an answer; the others are refused for good (400).
        _models.Faults = request => request.Judge is { } judge && !RefundDocuments.All.Take(3).Any(d => d.Text == judge.Document) ? LoopbackFault.Status(400) : null;

        var (code, stdout, stderr) = await SearchAsync(_models.BaseUri.ToString());

        Assert.True(code == 0, $"exit {code}: {stderr}");
        var tool = JsonDocument.Parse(stdout).RootElement.GetProperty("tool");
        Assert.False(tool.GetProperty("refined").GetBoolean());
        Assert.Contains("3 of 12", tool.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> SearchAsync(string chatEndpoint) =>
        CliProcess.RunWithEnvironmentAsync("", new Dictionary<string, string>(Environment(_models.BaseUri.ToString())) { ["REFINE_CHAT_ENDPOINT"] = chatEndpoint },
            "search", "refund not showing up", "--collection", "docs", "--db", Database, "--embedder", "openai", "--json");

    private static Dictionary<string, string> Environment(string endpoint) => new()
    {
        ["REFINE_EMBEDDING_ENDPOINT"] = endpoint,
        ["REFINE_EMBEDDING_MODEL"] = "loopback-embedding",
        ["REFINE_EMBEDDING_API_KEY"] = "unused",
        ["REFINE_CHAT_ENDPOINT"] = endpoint,
        ["REFINE_CHAT_MODEL"] = "loopback-judge",
        ["REFINE_CHAT_API_KEY"] = "unused",
    };
}
