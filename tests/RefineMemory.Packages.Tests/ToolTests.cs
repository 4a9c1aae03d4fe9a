using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using RefineMemory.Testing;

namespace RefineMemory.Packages.Tests;

/// <summary>
/// The .NET tool as a user installs it (`dotnet tool install` from the packed folder) and as an MCP host starts it
/// (`refine mcp` over stdio), in an empty folder: no repository, no ../shared.
/// </summary>
public sealed class ToolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-tool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_installed_tool_serves_ingest_and_search_over_mcp_with_the_default_embedder_and_eval_names_the_missing_dataset()
    {
        string refine = await InstallAsync();
        string work = Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName;

        var info = ChildProcess.Start(refine, work, null, "mcp", "--db", Path.Combine(work, "memory.db"), "--collection", "docs", "--no-refine");
        info.RedirectStandardInput = true;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var client = new StdioClient(process);

        var init = await client.RequestAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "packages-test", ["version"] = "1" },
        });
        Assert.Equal("refine-memory", init["serverInfo"]!["name"]!.GetValue<string>());
        await client.NotifyAsync("notifications/initialized");

        var tools = await client.RequestAsync("tools/list", new JsonObject());
        Assert.Equal(["ingest", "search"], tools["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        var documents = new JsonArray([.. RefundDocuments.All.Select(d => (JsonNode)new JsonObject { ["id"] = d.Id, ["text"] = d.Text })]);
        var ingest = await client.RequestAsync("tools/call", new JsonObject { ["name"] = "ingest", ["arguments"] = new JsonObject { ["documents"] = documents } });
        Assert.True(ingest["isError"]?.GetValue<bool>() != true, ingest.ToJsonString());

        // The search embeds with arctic-embed-xs, whose model travels inside the tool package.
        var search = await client.RequestAsync("tools/call", new JsonObject { ["name"] = "search", ["arguments"] = new JsonObject { ["query"] = "refund not showing up", ["top"] = 3 } });
        Assert.True(search["isError"]?.GetValue<bool>() != true, search.ToJsonString());
        using var found = JsonDocument.Parse(search["content"]![0]!["text"]!.GetValue<string>());
        Assert.StartsWith("Refunds go back", found.RootElement.GetProperty("results")[0].GetProperty("text").GetString(), StringComparison.Ordinal);

        process.StandardInput.Close();
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await process.WaitForExitAsync(exit.Token);
        }

        Assert.True(process.ExitCode == 0, await stderr);

        // Without ../shared the evaluation says which folder it needs instead of failing obscurely.
        var eval = ChildProcess.Start(refine, work, null, "eval", "--dataset", "clinc150");
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ChildProcess.RunAsync(eval, TimeSpan.FromMinutes(1)));
        Assert.Contains("--shared-dir", failure.Message, StringComparison.Ordinal);
    }

    private async Task<string> InstallAsync()
    {
        string packed = PackedFolder.Require("RefineMemory.Cli");
        string tools = Path.Combine(_dir, "tools");
        await ChildProcess.RunAsync(
            ChildProcess.Start("dotnet", _dir, Restore.IsolatedCache(_dir), "tool", "install", "--tool-path", tools, "--add-source", packed, "RefineMemory.Cli", "--version", PackedFolder.Version),
            TimeSpan.FromMinutes(3));
        string refine = Path.Combine(tools, OperatingSystem.IsWindows() ? "refine.exe" : "refine");
        return File.Exists(refine) ? refine : throw new FileNotFoundException("dotnet tool install did not put the command 'refine' in the tool path.", refine);
    }

    /// <summary>MCP's stdio transport: one JSON-RPC message a line each way.</summary>
    private sealed class StdioClient(Process process)
    {
        private int _id;

        public async Task<JsonNode> RequestAsync(string method, JsonObject parameters)
        {
            int id = ++_id;
            await process.StandardInput.WriteLineAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString());
            await process.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                var message = JsonNode.Parse(line)!;
                if (message["id"]?.GetValue<int>() == id)
                {
                    return message["result"] ?? throw new InvalidOperationException($"{method} failed: {line}");
                }
            }

            throw new InvalidOperationException($"refine mcp closed its output before answering {method}.");
        }

        public async Task NotifyAsync(string method)
        {
            await process.StandardInput.WriteLineAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method }.ToJsonString());
            await process.StandardInput.FlushAsync();
        }
    }
}
