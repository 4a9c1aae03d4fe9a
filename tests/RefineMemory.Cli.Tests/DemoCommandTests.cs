using System.Diagnostics;
using System.Text.Json;
using RefineMemory.Evaluation.Datasets;
using RefineMemory.Testing;

namespace RefineMemory.Cli.Tests;

/// <summary><c>refine demo</c> as a process: the oracle banner without a chat model, the chat judge and HyDE with one.</summary>
public sealed class DemoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-demo-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(IDictionary<string, string> env, params string[] args)
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

        info.Environment["REFINE_CACHE_DIR"] = Path.Combine(_dir, "cache");
        foreach (var (k, v) in env)
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

    [Fact]
    public async Task Without_a_chat_model_the_demo_uses_the_gold_judge_under_an_oracle_banner()
    {
        string output = Path.Combine(_dir, "gold");
        var (code, stdout, stderr) = await RunAsync(new Dictionary<string, string>(), "demo", "--queries", "6", "--out", output);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("ORACLE", stdout, StringComparison.Ordinal);
        Assert.Contains("before refinement", stdout, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "summary.json")));
        Assert.True(summary.RootElement.GetProperty("judge").GetProperty("isOracle").GetBoolean());
        Assert.Equal(6, summary.RootElement.GetProperty("methods").GetProperty("refined").GetProperty("queries").GetInt32());
        Assert.Contains("oracle", await File.ReadAllTextAsync(Path.Combine(output, "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_chat_model_configured_the_demo_judges_with_it_and_adds_hyde()
    {
        var dev = ArgKp21Loader.Load(RepoPaths.RequireShared("datasets/argkp21"), ["dev"]);
        var relevant = new HashSet<(string, string)>();
        foreach (var q in dev.Queries)
        {
            for (int i = 0; i < q.Pool.Count; i++)
            {
                if (q.Labels[i] > 0)
                {
                    relevant.Add((q.Text, dev.Documents[q.Pool[i]].Text));
                }
            }
        }

        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = (query, text) => relevant.Contains((query, text));
        var env = new Dictionary<string, string>
        {
            ["REFINE_CHAT_ENDPOINT"] = server.BaseUri.ToString(),
            ["REFINE_CHAT_MODEL"] = "judge-model",
            ["REFINE_CHAT_API_KEY"] = "test-key",
        };
        string output = Path.Combine(_dir, "chat");
        var (code, stdout, stderr) = await RunAsync(env, "demo", "--queries", "4", "--out", output);
        Assert.True(code == 0, stderr + stdout);
        Assert.DoesNotContain("ORACLE", stdout, StringComparison.Ordinal);
        Assert.Contains("judge-model", stdout, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "summary.json")));
        Assert.False(summary.RootElement.GetProperty("judge").GetProperty("isOracle").GetBoolean());
        Assert.Equal(4, summary.RootElement.GetProperty("methods").GetProperty("hyde").GetProperty("queries").GetInt32());
        Assert.Equal(80, server.ChatLog.Count(r => r.Judge is not null));
    }
}
