using System.Diagnostics;
using System.Text.Json;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Testing;

namespace RefineMemory.Cli.Tests;

/// <summary>
/// <c>refine eval</c> as a process, on labelled pairs written from a slice of ArgKP-21's dev split, with the real
/// USE-Lite encoder (installed by <c>make setup</c>).
/// </summary>
public sealed class EvalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-eval-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PairsFile(int queries)
    {
        var dev = ArgKp21Loader.Load(RepoPaths.RequireShared("datasets/argkp21"), ["dev"]).Take(queries);
        string path = Path.Combine(_dir, "pairs.jsonl");
        LabelledPairsWriter.WriteJsonLines(dev, path);
        return path;
    }

    /// <summary>A loopback chat server that judges a pairs file's documents by their gold labels.</summary>
    private static async Task<LoopbackOpenAIServer> JudgeServerAsync(string pairs)
    {
        var relevant = File.ReadLines(pairs).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("label").GetDouble() > 0).Select(e => e.GetProperty("document").GetString()!).ToHashSet();
        var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = (_, text) => relevant.Any(r => text.Contains(r, StringComparison.Ordinal));
        return server;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(IDictionary<string, string>? env, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "refine.dll"));
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (string name in new[] { "REFINE_CHAT_ENDPOINT", "REFINE_CHAT_MODEL", "REFINE_CHAT_API_KEY", "OPENAI_API_KEY" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static JsonElement Method(JsonDocument summary, string name) => summary.RootElement.GetProperty("methods").GetProperty(name);

    [Theory]
    [InlineData("gold")]
    [InlineData("simulated:0.2")]
    public async Task Eval_on_a_pairs_file_writes_summary_json_per_method(string judge)
    {
        string pairs = PairsFile(3);
        string output = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = await RunAsync(null, "eval", "--dataset", "pairs:" + pairs, "--embedder", "use-lite", "--judge", judge,
            "--out", output, "--cache-dir", Path.Combine(_dir, "cache"));
        Assert.True(code == 0, stderr + stdout);

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "summary.json")));
        foreach (string m in new[] { "baseline", "refined", "rerank" })
        {
            var s = Method(summary, m);
            Assert.Equal(3, s.GetProperty("queries").GetInt32());
            Assert.InRange(s.GetProperty("map").GetDouble(), 0.0, 1.0);
            Assert.InRange(s.GetProperty("auc").GetDouble(), 0.0, 1.0);
            Assert.InRange(s.GetProperty("ndcg10").GetDouble(), 0.0, 1.0);
        }

        Assert.False(summary.RootElement.GetProperty("methods").TryGetProperty("hyde", out _));
        Assert.True(File.Exists(Path.Combine(output, "report.html")));
        Assert.Equal(4, (await File.ReadAllLinesAsync(Path.Combine(output, "per_query.csv"))).Length);
        if (judge == "gold")
        {
            Assert.True(Method(summary, "refined").GetProperty("map").GetDouble() > Method(summary, "baseline").GetProperty("map").GetDouble());
        }
    }

    [Fact]
    public async Task Eval_with_the_chat_judge_talks_to_the_configured_endpoint()
    {
        string pairs = PairsFile(2);
        await using var server = await JudgeServerAsync(pairs);
        var env = new Dictionary<string, string>
        {
            ["REFINE_CHAT_ENDPOINT"] = server.BaseUri.ToString(),
            ["REFINE_CHAT_MODEL"] = "judge-model",
            ["REFINE_CHAT_API_KEY"] = "test-key",
        };
        string output = Path.Combine(_dir, "chat");
        // The paper's step: on this 2-query loopback set the validated step (refine eval's default) does not raise MAP
        // (reported in docs/evaluation.md's follow-ups); this test is about the chat judge's plumbing.
        var (code, stdout, stderr) = await RunAsync(env, "eval", "--dataset", "pairs:" + pairs, "--judge", "chat", "--paper-step", "--out", output, "--cache-dir", Path.Combine(_dir, "cache"));
        Assert.True(code == 0, stderr + stdout);
        Assert.True(server.ChatLog.Count(r => r.Judge is not null) >= 40, $"{server.ChatRequests} chat requests");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "summary.json")));
        Assert.False(summary.RootElement.GetProperty("judge").GetProperty("isOracle").GetBoolean());
        Assert.Equal(40, summary.RootElement.GetProperty("judge").GetProperty("feedbackDocuments").GetInt32());
        Assert.True(Method(summary, "refined").GetProperty("map").GetDouble() > Method(summary, "baseline").GetProperty("map").GetDouble());
        Assert.Equal(2, Method(summary, "hyde").GetProperty("queries").GetInt32()); // HyDE runs when a chat model is in play
        Assert.Equal(2, server.ChatLog.Count(r => r.Judge is null && r.Prompt.Contains("Write a short passage", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Eval_with_a_batched_chat_judge_in_rounds_reports_the_calls_it_made_per_method()
    {
        string pairs = PairsFile(2);
        await using var server = await JudgeServerAsync(pairs);
        var env = new Dictionary<string, string>
        {
            ["REFINE_CHAT_ENDPOINT"] = server.BaseUri.ToString(),
            ["REFINE_CHAT_MODEL"] = "judge-model",
        };
        string output = Path.Combine(_dir, "batched");

        var (code, stdout, stderr) = await RunAsync(env, "eval", "--dataset", "pairs:" + pairs, "--judge", "chat", "--judge-batch", "5", "--feedback", "10",
            "--feedback-strategy", "rounds", "--out", output, "--cache-dir", Path.Combine(_dir, "cache"));

        Assert.True(code == 0, stderr + stdout);
        // 2 queries x 2 rounds of 5 documents, one batched call each.
        var judgeCalls = server.ChatLog.Where(r => r.Batch is not null || r.Judge is not null).ToArray();
        Assert.Equal(4, judgeCalls.Length);
        Assert.All(judgeCalls, r => Assert.Equal(5, r.Batch!.Documents.Count));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "summary.json")));
        Assert.Equal((4, 20), (Method(summary, "refined").GetProperty("judge_calls").GetInt32(), Method(summary, "refined").GetProperty("judgements").GetInt32()));
        Assert.Equal((4, 20), (Method(summary, "rerank").GetProperty("judge_calls").GetInt32(), Method(summary, "rerank").GetProperty("judgements").GetInt32()));
        Assert.Equal((0, 0), (Method(summary, "baseline").GetProperty("judge_calls").GetInt32(), Method(summary, "baseline").GetProperty("judgements").GetInt32()));
        Assert.Equal("rounds", summary.RootElement.GetProperty("settings").GetProperty("feedbackStrategy").GetString());
    }

    [Fact]
    public async Task The_budget_suite_runs_every_strategy_and_budget_and_writes_its_grid_and_choice()
    {
        string pairs = PairsFile(2);
        string output = Path.Combine(_dir, "budget");

        var (code, stdout, stderr) = await RunAsync(null, "eval", "--suite", "budget", "--datasets", "pairs:" + pairs, "--judges", "gold",
            "--budgets", "5,10,20", "--strategies", "top,early-stop", "--out", output, "--cache-dir", Path.Combine(_dir, "cache"));

        Assert.True(code == 0, stderr + stdout);
        using var grid = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "budget.json")));
        var cells = grid.RootElement.EnumerateArray().ToArray();
        Assert.Equal(6, cells.Length);
        Assert.Equal(["top/5", "early-stop/5", "top/10", "early-stop/10", "top/20", "early-stop/20"],
            cells.Select(c => $"{c.GetProperty("Strategy").GetString()}/{c.GetProperty("Budget").GetInt32()}"));
        Assert.All(cells, c => Assert.InRange(c.GetProperty("JudgementsPerQuery").GetDouble(), 1, c.GetProperty("Budget").GetInt32()));
        string markdown = await File.ReadAllTextAsync(Path.Combine(output, "budget.md"));
        Assert.Contains("Chosen: **", markdown, StringComparison.Ordinal);
        Assert.Contains("#### gold (oracle)", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_with_a_cross_encoder_judge_runs_it_in_process()
    {
        string pairs = PairsFile(2);
        string output = Path.Combine(_dir, "cross");
        var (code, stdout, stderr) = await RunAsync(null, "eval", "--dataset", "pairs:" + pairs, "--judge", "cross-encoder:" + Path.Combine(RepoPaths.Fixtures, "onnx", "tiny-cross-encoder"),
            "--out", output, "--cache-dir", Path.Combine(_dir, "cache"));
        Assert.True(code == 0, stderr + stdout);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "summary.json")));
        Assert.False(summary.RootElement.GetProperty("judge").GetProperty("isOracle").GetBoolean());
        Assert.StartsWith("cross-encoder", summary.RootElement.GetProperty("judge").GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, summary.RootElement.GetProperty("judge").GetProperty("failures").GetInt32());
        Assert.Equal(2, Method(summary, "refined").GetProperty("queries").GetInt32());
    }

    [Fact]
    public async Task A_malformed_pairs_file_exits_2_naming_file_and_line()
    {
        string path = Path.Combine(_dir, "bad.jsonl");
        await File.WriteAllTextAsync(path, "{\"query\":\"q\",\"document\":\"d\",\"label\":1}\n{\"query\":\"q\",\"document\":\"e\"}\n");
        var (code, _, stderr) = await RunAsync(null, "eval", "--dataset", "pairs:" + path, "--out", Path.Combine(_dir, "x"));
        Assert.Equal(2, code);
        Assert.Contains($"{path}:2: the field 'label' is missing.", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--judge", "oracle", "Unknown judge 'oracle'")]
    [InlineData("--judge", "simulated:1.5", "flip probability P in [0, 1]")]
    [InlineData("--judge", "chat", "REFINE_CHAT_")]
    [InlineData("--embedder", "bert", "unknown embedder 'bert'")]
    [InlineData("--judge", "cross-encoder:/no/such/model", "/no/such/model")]
    [InlineData("--feedback-strategy", "best", "--feedback-strategy must be one of top, rounds, diverse, early-stop")]
    [InlineData("--judge-batch", "0", "--judge-batch must be from 1 to 50")]
    public async Task Bad_options_exit_2_with_one_line(string option, string value, string expected)
    {
        string pairs = PairsFile(1);
        var (code, _, stderr) = await RunAsync(null, "eval", "--dataset", "pairs:" + pairs, option, value, "--out", Path.Combine(_dir, "x"), "--cache-dir", Path.Combine(_dir, "cache"));
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
