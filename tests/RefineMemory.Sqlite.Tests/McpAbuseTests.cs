using System.Diagnostics;
using System.Text.Json;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// One <c>refine mcp</c> process under load and abuse (issue 26, rows 3 and 6), spoken to in raw JSON-RPC lines:
/// every request gets an answer or a JSON-RPC error, output lines never tear, and the server stays up.
/// </summary>
public sealed class McpAbuseTests
{
    [Fact]
    public async Task Two_hundred_concurrent_searches_on_one_process_are_all_answered_each_on_a_line_of_its_own()
    {
        using var db = new TempDatabase();
        await using var server = await McpProtocolTests.StartJudgeAsync();
        await using var mcp = await StartAsync(server, db);
        await IngestAsync(mcp, 6);

        await mcp.SendAsync([.. Enumerable.Range(1, 200).Select(i => McpProcess.Call(i, "search", new { query = $"which city is capital number {i}", top = 3 }))]);
        for (int i = 1; i <= 200; i++)
        {
            var answer = await mcp.AnswerAsync(i.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(4));
            var result = answer.GetProperty("result");
            Assert.False(result.TryGetProperty("isError", out var e) && e.GetBoolean(), answer.ToString());
            Assert.True(result.GetProperty("structuredContent").GetProperty("refined").GetBoolean(), answer.ToString());
        }

        Assert.Empty(mcp.BadLines);
        Assert.Equal(202, mcp.AnswerCount); // initialize, the ingest and the 200 searches, each answered once
    }

    [Fact]
    public async Task Cancelling_an_in_flight_search_stops_its_judge_calls()
    {
        using var db = new TempDatabase();
        await using var server = await McpProtocolTests.StartJudgeAsync();
        await using var mcp = await StartAsync(server, db, "--judge-budget", "3000");
        await IngestAsync(mcp, 6);
        server.Faults = r => r.Judge is not null ? LoopbackFault.Slow(TimeSpan.FromMinutes(5)) : null; // a judge that hangs

        await mcp.SendAsync(McpProcess.Call(1, "search", new { query = "capital" }));
        await WaitUntilAsync(() => server.OpenChatRequests > 0, TimeSpan.FromSeconds(30));
        await mcp.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"reason":"the user gave up"}}""");

        // Without cancellation the calls would hang for the whole judge budget (50 minutes here).
        await WaitUntilAsync(() => server.OpenChatRequests == 0, TimeSpan.FromSeconds(15));
        Assert.Equal(0, server.OpenChatRequests);
        int calls = server.ChatRequests;
        await mcp.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""");
        await mcp.AnswerAsync("2");
        await Task.Delay(1000);
        Assert.Equal(calls, server.ChatRequests); // no judge call started after the cancellation
        Assert.False(mcp.HasAnswer("1")); // a cancelled request is not answered (MCP)
    }

    [Fact]
    public async Task Batches_null_ids_unknown_methods_reused_ids_and_10_MB_arguments_get_errors_and_the_server_stays_up()
    {
        using var db = new TempDatabase();
        await using var server = await McpProtocolTests.StartJudgeAsync();
        await using var mcp = await StartAsync(server, db, "--judge-budget", "3000");
        await IngestAsync(mcp, 6);

        await mcp.SendAsync("""[{"jsonrpc":"2.0","id":10,"method":"ping"},{"jsonrpc":"2.0","id":11,"method":"ping"}]""");
        await mcp.SendAsync("""{"jsonrpc":"2.0","id":null,"method":"ping"}""");
        await mcp.SendAsync("""{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}""");
        await WaitUntilAsync(() => mcp.NullAnswers.Count >= 3, TimeSpan.FromSeconds(30));
        Assert.Equal([-32600, -32600, -32600], mcp.NullAnswers.Select(Code));
        Assert.Contains("batches", Message(mcp.NullAnswers[0]), StringComparison.Ordinal);
        Assert.False(mcp.HasAnswer("10") || mcp.HasAnswer("11")); // one answer for the batch, not one per member

        await mcp.SendAsync("""{"jsonrpc":"2.0","id":12,"method":"no/such/method"}""");
        Assert.Equal(-32601, Code(await mcp.AnswerAsync("12")));

        string tenMegabytes = new('a', 10 * 1024 * 1024);
        var clock = Stopwatch.StartNew();
        await mcp.SendAsync(McpProcess.Call(13, "search", new { query = tenMegabytes }), McpProcess.Call(14, "ingest", new { documents = new[] { new { id = "huge", text = tenMegabytes } } }));
        Assert.Contains("'query' has 10,485,760 characters; at most 10,000", ToolError(await mcp.AnswerAsync("13")), StringComparison.Ordinal);
        Assert.Contains("at most 1,000,000 per inline document", ToolError(await mcp.AnswerAsync("14")), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"answered in {clock.Elapsed}");
        Assert.Equal(0, server.ChatRequests);

        server.Faults = r => r.Judge is not null ? LoopbackFault.Slow(TimeSpan.FromMinutes(5)) : null;
        await mcp.SendAsync(McpProcess.Call(15, "search", new { query = "capital" }));
        await WaitUntilAsync(() => server.OpenChatRequests > 0, TimeSpan.FromSeconds(30));
        await mcp.SendAsync("""{"jsonrpc":"2.0","id":15,"method":"ping"}""");
        var reused = await mcp.AnswerAsync("15");
        Assert.Equal(-32600, Code(reused));
        Assert.Contains("still in flight", Message(reused), StringComparison.Ordinal);

        // Past the gate's 32 MiB line limit: answered without being read whole, and the next line is read as usual.
        await mcp.SendAsync(McpProcess.Call(17, "search", new { query = new string('b', 33 * 1024 * 1024) }));
        await WaitUntilAsync(() => mcp.NullAnswers.Count >= 4, TimeSpan.FromSeconds(30));
        Assert.Contains("longer than 33,554,432 bytes", Message(mcp.NullAnswers[3]), StringComparison.Ordinal);
        Assert.False(mcp.HasAnswer("17"));

        await mcp.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":15}}""", """{"jsonrpc":"2.0","id":16,"method":"ping"}""");
        Assert.True((await mcp.AnswerAsync("16")).TryGetProperty("result", out _));
        Assert.False(mcp.HasExited);
        Assert.Empty(mcp.BadLines);
    }

    private static async Task<McpProcess> StartAsync(LoopbackOpenAIServer server, TempDatabase db, params string[] arguments) =>
        await McpProcess.Start(server.BaseUri, ["--db", db.Path, "--embedder", "openai", "--collection", "facts", .. arguments]).InitializeAsync();

    private static async Task IngestAsync(McpProcess mcp, int documents)
    {
        await mcp.SendAsync(McpProcess.Call(0, "ingest", new { documents = McpProtocolTests.Facts(documents) }));
        var answer = await mcp.AnswerAsync("0");
        Assert.False(answer.GetProperty("result").TryGetProperty("isError", out var e) && e.GetBoolean(), answer.ToString());
    }

    private static int Code(JsonElement answer) => answer.GetProperty("error").GetProperty("code").GetInt32();

    private static string Message(JsonElement answer) => answer.GetProperty("error").GetProperty("message").GetString()!;

    private static string ToolError(JsonElement answer)
    {
        var result = answer.GetProperty("result");
        Assert.True(result.GetProperty("isError").GetBoolean(), answer.ToString());
        return result.GetProperty("content")[0].GetProperty("text").GetString()!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < timeout)
        {
            await Task.Delay(50);
        }
    }
}
