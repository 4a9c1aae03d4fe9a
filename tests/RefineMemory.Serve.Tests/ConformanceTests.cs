using System.Diagnostics;
using System.Text.Json;
using RefineMemory.Testing;

namespace RefineMemory.Serve.Tests;

/// <summary>
/// The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.16 on Node 22, both installed by
/// eng/setup.sh into assets/) against <c>refine serve</c> over HTTP, for the server scenarios that apply to a server
/// with our tools (docs/serve.md lists the others and why they do not apply). The suite's client sends no token, so
/// the server runs under <c>--no-auth</c> on loopback; the token check is tested in <see cref="ServeTests"/>.
/// </summary>
public sealed class ConformanceTests(ConformanceTests.Server server) : IClassFixture<ConformanceTests.Server>
{
    private static string Assets => Environment.GetEnvironmentVariable("REFINE_ASSETS_DIR") is { Length: > 0 } dir ? dir : Path.Combine(RepoPaths.Root, "assets");

    [Theory]
    [InlineData("server-initialize")]
    [InlineData("ping")]
    [InlineData("logging-set-level")]
    [InlineData("tools-list")]
    [InlineData("dns-rebinding-protection")]
    [InlineData("server-sse-multiple-streams")]
    [InlineData("server-sse-polling")]
    public async Task The_conformance_scenario_finds_no_failure(string scenario)
    {
        string node = Path.Combine(Assets, "node22", "bin", "node");
        string suite = Path.Combine(Assets, "conformance", "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
        Assert.True(File.Exists(node) && File.Exists(suite), $"The conformance suite is not installed under {Assets}: run eng/setup.sh.");
        string output = Directory.CreateTempSubdirectory("refine-conformance-").FullName;
        var info = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { suite, "server", "--url", new Uri(server.Serve.BaseUri, "/mcp").ToString(), "--scenario", scenario, "-o", output })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        string log = await stdout + await stderr;

        var checks = Directory.GetFiles(output, "checks.json", SearchOption.AllDirectories)
            .SelectMany(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.EnumerateArray().Select(c => c.Clone()))
            .Where(c => c.GetProperty("status").GetString() is not "INFO")
            .ToArray();
        Directory.Delete(output, recursive: true);
        Assert.True(checks.Length > 0, "the scenario reported no checks:\n" + log);
        var failures = checks.Where(c => c.GetProperty("status").GetString() == "FAILURE").Select(c => c.ToString()).ToArray();
        Assert.True(failures.Length == 0, string.Join('\n', failures));
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>One server for every scenario.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private LoopbackOpenAIServer _models = null!;

        internal ServeProcess Serve { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _models = await LoopbackOpenAIServer.StartAsync();
            Serve = await ServeProcess.StartAsync(_models, new Dictionary<string, string?> { ["REFINE_SERVE_TOKEN"] = null }, null, "--no-auth", "--collection", "docs");
        }

        public async Task DisposeAsync()
        {
            await Serve.DisposeAsync();
            await _models.DisposeAsync();
        }
    }
}
