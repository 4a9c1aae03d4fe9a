using System.Text.Json;
using Json.Schema;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// The tools as an MCP client sees them (issue 24, item 6): output schemas and structured results, strict
/// arguments, plain-search wording, cursors, messages, logging and progress. The server is the built
/// <c>refine mcp</c>; the tools and their MCP wrapping are the ones <c>refine serve</c> registers too.
/// </summary>
public sealed class McpProtocolTests
{
    [Fact]
    public async Task Each_tool_declares_an_output_schema_and_returns_structured_content_that_matches_it_with_the_same_text()
    {
        using var db = new TempDatabase();
        await using var server = await StartJudgeAsync();
        await using var client = await ClientAsync(server, db, "--collection", "facts");

        var tools = await client.ListToolsAsync();
        foreach (var tool in tools)
        {
            Assert.True(tool.ProtocolTool.OutputSchema is { ValueKind: JsonValueKind.Object }, $"{tool.Name} has no outputSchema");
        }

        var ingested = await client.CallToolAsync("ingest", new Dictionary<string, object?> { ["documents"] = Facts(12) });
        var ingest = AssertMatches(tools.Single(t => t.Name == "ingest"), ingested);
        Assert.Equal(JsonValueKind.Number, ingest.GetProperty("added").ValueKind);

        var found = await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "which city is a capital", ["top"] = 3 });
        var search = AssertMatches(tools.Single(t => t.Name == "search"), found);
        Assert.Equal(JsonValueKind.Number, search.GetProperty("elapsed_ms").ValueKind); // a string before
        Assert.True(search.GetProperty("refined").GetBoolean(), search.ToString());
        Assert.Equal(3, search.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task An_unknown_argument_is_a_tool_error_naming_it_as_the_schemas_additional_properties_false_says()
    {
        using var db = new TempDatabase();
        await using var server = await StartJudgeAsync();
        await using var client = await ClientAsync(server, db, "--collection", "facts");
        await client.CallToolAsync("ingest", new Dictionary<string, object?> { ["documents"] = Facts(6) });

        var search = await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "capital", ["filters"] = new Dictionary<string, string> { ["lang"] = "en" } });
        Assert.Equal(true, search.IsError);
        Assert.Contains("'filters' is not a parameter of the search tool", Text(search), StringComparison.Ordinal);
        Assert.Contains("'filter'", Text(search), StringComparison.Ordinal);

        var ingest = await client.CallToolAsync("ingest", new Dictionary<string, object?> { ["documents"] = Facts(1), ["colection"] = "x" });
        Assert.Equal(true, ingest.IsError);
        Assert.Contains("'colection' is not a parameter of the ingest tool", Text(ingest), StringComparison.Ordinal);

        var field = await client.CallToolAsync("ingest", new Dictionary<string, object?> { ["documents"] = new[] { new { id = "a", text = "t", title = "x" } } });
        Assert.Equal(true, field.IsError);
        Assert.Contains("documents[0] has the field 'title'", Text(field), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_no_refine_the_search_tool_says_it_serves_plain_similarity_and_its_note_does_not_blame_the_caller()
    {
        using var db = new TempDatabase();
        await using var server = await StartJudgeAsync();
        await using var client = await ClientAsync(server, db, "--collection", "facts", "--no-refine");
        await client.CallToolAsync("ingest", new Dictionary<string, object?> { ["documents"] = Facts(6) });

        var search = (await client.ListToolsAsync()).Single(t => t.Name == "search");
        Assert.Contains("plain similarity", search.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("re-ranked after an LLM judges", search.Description, StringComparison.Ordinal);
        string refine = search.JsonSchema.GetProperty("properties").GetProperty("refine").GetProperty("description").GetString()!;
        Assert.Contains("no effect", refine, StringComparison.Ordinal);

        foreach (bool? asked in (bool?[])[null, true])
        {
            var args = new Dictionary<string, object?> { ["query"] = "capital" };
            if (asked is { } a)
            {
                args["refine"] = a;
            }

            var result = await client.CallToolAsync("search", args);
            Assert.True(result.IsError != true, Text(result));
            var json = result.StructuredContent!.Value;
            Assert.False(json.GetProperty("refined").GetBoolean());
            string note = json.GetProperty("note").GetString()!;
            Assert.Contains("this server serves plain similarity search", note, StringComparison.Ordinal);
            Assert.DoesNotContain("for this search", note, StringComparison.Ordinal); // read as "you turned it off"
        }

        Assert.Equal(0, server.ChatRequests);
    }

    [Fact]
    public async Task A_cursor_the_server_never_gave_is_invalid_params()
    {
        using var db = new TempDatabase();
        await using var server = await LoopbackOpenAIServer.StartAsync();
        await using var client = await ClientAsync(server, db, "--no-refine");

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => client.ListToolsAsync(new ListToolsRequestParams { Cursor = "not-ours" }).AsTask());
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
        Assert.Equal(2, (await client.ListToolsAsync()).Count);
    }

    [Fact]
    public async Task Error_messages_carry_no_dotnet_wording_and_an_argument_error_is_one_line_on_stderr()
    {
        using var db = new TempDatabase();
        await using var server = await LoopbackOpenAIServer.StartAsync();
        await using var mcp = await McpProcess.Start(server.BaseUri, "--db", db.Path, "--no-refine", "--embedder", "openai").InitializeAsync();
        await mcp.SendAsync(
            McpProcess.Call(1, "search", new { query = "", collection = "c" }),
            McpProcess.Call(2, "search", new { query = "x", collection = "nope" }),
            McpProcess.Call(3, "ingest", new { collection = "c", documents = "not an array" }));
        string[] messages = new string[3];
        for (int i = 0; i < 3; i++)
        {
            var answer = await mcp.AnswerAsync((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(answer.GetProperty("result").GetProperty("isError").GetBoolean());
            messages[i] = answer.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;
        }

        Assert.All(messages, m => Assert.DoesNotMatch(@"\(Parameter '|Exception|An error occurred invoking", m));
        Assert.Equal("The argument 'query' must not be empty.", messages[0]);

        string stderr = await mcp.CloseAsync(TimeSpan.FromSeconds(60));
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.Contains("'query' must not be empty", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal)); // no stack trace
    }

    [Fact]
    public async Task Requests_received_before_stdin_reaches_its_end_are_all_answered_before_the_process_exits()
    {
        using var db = new TempDatabase();
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Latency = TimeSpan.FromMilliseconds(300); // the calls are still running when stdin closes
        await using var mcp = McpProcess.Start(server.BaseUri, "--db", db.Path, "--no-refine", "--embedder", "openai", "--collection", "c");

        // As `printf '<init>\n<initialized>\n<call>\n...' | refine mcp`: everything at once, then end of file.
        await mcp.SendAsync(McpProcess.Initialize, McpProcess.Initialized, McpProcess.Call(1, "ingest", new { documents = Facts(4) }), """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        string stderr = await mcp.CloseAsync(TimeSpan.FromSeconds(60));

        Assert.True(mcp.HasAnswer("\"init\""), stderr);
        Assert.True(mcp.HasAnswer("1"), stderr);
        Assert.True(mcp.HasAnswer("2"), stderr);
        Assert.False((await mcp.AnswerAsync("1")).GetProperty("result").TryGetProperty("isError", out var e) && e.GetBoolean());
        Assert.Equal(0, mcp.ExitCode);
    }

    // Logging is deprecated only from MCP 2026-07-28 (SEP-2577); clients of 2025-06-18 and 2025-11-25 use it.
#pragma warning disable MCP9005
    [Fact]
    public async Task Log_messages_are_sent_once_the_client_sets_a_level_and_an_ingest_with_a_progress_token_reports_progress()
    {
        using var db = new TempDatabase();
        await using var server = await StartJudgeAsync();
        await using var client = await ClientAsync("2025-06-18", server, db, "--collection", "facts"); // logging/setLevel is of 2025-06-18
        var logged = new List<LoggingMessageNotificationParams>();
        await using var _ = client.RegisterNotificationHandler(NotificationMethods.LoggingMessageNotification, (n, ct) =>
        {
            lock (logged)
            {
                logged.Add(JsonSerializer.Deserialize<LoggingMessageNotificationParams>(n.Params, McpJsonUtilities.DefaultOptions)!);
            }

            return ValueTask.CompletedTask;
        });

        await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "" });
        await client.SetLoggingLevelAsync(LoggingLevel.Info);
        await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "", ["collection"] = "after" });

        // Large enough for several embedding calls (IngestOptions.EmbeddingBatchSize chunks each).
        string text = string.Join(' ', Enumerable.Range(0, 40_000).Select(i => $"word{i % 977}"));
        var reports = new List<ProgressNotificationValue>();
        var progress = new Progress(reports);
        var ingested = await client.CallToolAsync("ingest", new Dictionary<string, object?> { ["documents"] = new[] { new { id = "big", text } } }, progress);
        Assert.True(ingested.IsError != true, Text(ingested));

        await WaitUntilAsync(() => { lock (logged) { return logged.Count >= 2; } });
        lock (logged)
        {
            Assert.DoesNotContain(logged, l => l.Data.ToString().Contains("must not be empty", StringComparison.Ordinal) && l.Level < LoggingLevel.Warning);
            Assert.Single(logged, l => l.Data.ToString().Contains("must not be empty", StringComparison.Ordinal)); // only the call after setLevel
            Assert.Contains(logged, l => l.Level == LoggingLevel.Info && l.Data.ToString().Contains("ingest answered", StringComparison.Ordinal));
        }

        await WaitUntilAsync(() => progress.Count >= 2);
        var values = progress.Snapshot();
        Assert.All(values.Zip(values.Skip(1)), p => Assert.True(p.Second.Progress > p.First.Progress, "progress must increase"));
        Assert.All(values, v => Assert.Equal(1, v.Total));
        Assert.Contains(values, v => v.Message!.Contains("chunks of this batch embedded", StringComparison.Ordinal));
    }
#pragma warning restore MCP9005

    internal static async Task<LoopbackOpenAIServer> StartJudgeAsync()
    {
        var server = await LoopbackOpenAIServer.StartAsync();
        server.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 64);
        server.Labels = (_, text) => text.Contains("capital", StringComparison.Ordinal);
        return server;
    }

    internal static Task<McpClient> ClientAsync(LoopbackOpenAIServer server, TempDatabase db, params string[] arguments) =>
        ClientAsync(null, server, db, arguments);

    /// <summary>A client of the SDK; <paramref name="protocolVersion"/> null takes the newest the SDK speaks.</summary>
    internal static async Task<McpClient> ClientAsync(string? protocolVersion, LoopbackOpenAIServer server, TempDatabase db, params string[] arguments) =>
        await McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = "dotnet",
                Arguments = [RefineCli.DllPath, "mcp", "--db", db.Path, "--embedder", "openai", .. arguments],
                EnvironmentVariables = RefineCli.LoopbackEnvironment(server.BaseUri),
                Name = "refine-mcp",
            }),
            new McpClientOptions { ProtocolVersion = protocolVersion });

    internal static object[] Facts(int count) => [.. Enumerable.Range(0, count).Select(i => new
    {
        id = $"f{i}",
        text = i % 3 == 0 ? $"City number {i} is the capital of land {i}." : $"River number {i} flows to sea {i}.",
        source = $"https://example.org/facts/{i}",
    })];

    internal static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    /// <summary>The structured result, checked against the tool's outputSchema and against its text twin.</summary>
    private static JsonElement AssertMatches(McpClientTool tool, CallToolResult result)
    {
        Assert.True(result.IsError != true, Text(result));
        var structured = Assert.IsType<JsonElement>(result.StructuredContent);
        var schema = JsonSchema.Build(tool.ProtocolTool.OutputSchema!.Value);
        var evaluation = schema.Evaluate(structured, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(evaluation.IsValid, $"{tool.Name}: {JsonSerializer.Serialize(evaluation)}");
        Assert.True(JsonElement.DeepEquals(structured, JsonDocument.Parse(Text(result)).RootElement), "the text content is the same JSON");
        return structured;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Collects progress on the thread that reports it (Progress&lt;T&gt; would post, and lose order).</summary>
    private sealed class Progress(List<ProgressNotificationValue> reports) : IProgress<ProgressNotificationValue>
    {
        public int Count { get { lock (reports) { return reports.Count; } } }

        public void Report(ProgressNotificationValue value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }

        public ProgressNotificationValue[] Snapshot()
        {
            lock (reports)
            {
                return [.. reports];
            }
        }
    }
}
