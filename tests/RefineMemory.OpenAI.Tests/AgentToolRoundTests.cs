using System.Text.Json;
using AgentSample;
using Microsoft.Extensions.AI;
using RefineMemory.Agents;
using RefineMemory.Memory;
using RefineMemory.Search;
using RefineMemory.Sqlite;
using RefineMemory.Testing;
using static RefineMemory.OpenAI.Tests.JudgeTestKit;

namespace RefineMemory.OpenAI.Tests;

/// <summary>
/// The refined <c>search</c> tool through <see cref="OpenAICompatibleChatClient"/>: a scripted model on the loopback
/// server asks for the call, the real <see cref="RefinedSearchFunction"/> runs (embedding and judging over HTTP to the
/// same server), the result goes back as a tool message and the model answers.
/// </summary>
public sealed class AgentToolRoundTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("refine-tools-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_full_round_search_call_real_refined_search_tool_result_then_a_text_answer()
    {
        await using var server = await StartAsync();
        server.Script = ModelThatSearchesOnce($$"""{"query": "{{Query}}", "top": 3}""");
        using var store = await HandbookAsync(server);
        var search = new RefinedSearchFunction(new RefinedSearch(store, Embedder(server), NewJudge(server)), new RefineMemoryToolOptions { DefaultCollection = "kb" });
        using var client = Client(server);
        var options = new ChatOptions { Tools = [search], ToolMode = ChatToolMode.Auto };
        List<ChatMessage> messages = [new(ChatRole.User, Query)];

        var first = await client.GetResponseAsync(messages, options);
        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal((ChatFinishReason.ToolCalls, "call_search", "search"), (first.FinishReason, call.CallId, call.Name));
        object? result = await search.InvokeAsync(new AIFunctionArguments(call.Arguments));
        messages.AddRange(first.Messages);
        messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, result)]));
        var second = await client.GetResponseAsync(messages, options);

        var json = Assert.IsType<JsonElement>(result);
        Assert.True(json.GetProperty("refined").GetBoolean());
        Assert.Equal(12, json.GetProperty("judged").GetInt32()); // every document judged over HTTP by the same server
        var hits = json.GetProperty("results").EnumerateArray().Select(h => h.GetProperty("document").GetString()!).ToList();
        Assert.Equal(3, hits.Count);
        Assert.All(hits, id => Assert.StartsWith("rel-", id, StringComparison.Ordinal)); // refinement lifts the relevant ones
        Assert.Equal($"Answer from {hits[0]}.", second.Text);
        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);

        var toolRequests = server.ChatBodies.Where(b => b.TryGetProperty("tools", out _)).ToList();
        Assert.Equal(2, toolRequests.Count); // the judge's 12 requests carry no tools
        Assert.Equal("auto", toolRequests[0].GetProperty("tool_choice").GetString());
        var sent = toolRequests[1].GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool"], sent.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("call_search", sent[1].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("call_search", sent[2].GetProperty("tool_call_id").GetString());
        Assert.True(JsonElement.DeepEquals(json, JsonDocument.Parse(ToolCallingTests.ContentText(sent[2])).RootElement));
    }

    [Fact]
    public async Task The_sample_agent_returns_bad_calls_to_the_model_as_errors_and_ends_with_its_answer()
    {
        await using var server = await StartAsync();
        int round = 0;
        server.Script = body => !body.TryGetProperty("tools", out _) ? null : Interlocked.Increment(ref round) switch
        {
            1 => LoopbackChatReply.Call(new LoopbackToolCall("c1", "search", """{"query": "password"""), new LoopbackToolCall("c2", "lookup", "{}")),
            2 => LoopbackChatReply.Call(new LoopbackToolCall("c3", "search", """{"query": "password", "collection": "missing"}""")),
            3 => LoopbackChatReply.Call(new LoopbackToolCall("c4", "search", $$"""{"query": "{{Query}}", "refine": false, "top": 2}""")),
            _ => LoopbackChatReply.Say("Reset it under settings."),
        };
        using var store = await HandbookAsync(server);
        var tools = new RefineMemoryTools(
            new RefinedSearchFunction(new RefinedSearch(store, Embedder(server), NewJudge(server)), new RefineMemoryToolOptions { DefaultCollection = "kb" }),
            new IngestFunction(store, new RefineMemoryToolOptions { DefaultCollection = "kb" }));
        using var log = new StringWriter();
        using var agent = AgentChat.Create(Client(server), maxRounds: 5, log);

        var answer = await agent.GetResponseAsync([new(ChatRole.User, Query)], new ChatOptions { Tools = [.. tools.All], ToolMode = ChatToolMode.Auto });

        Assert.Equal("Reset it under settings.", answer.Text);
        var toolRequests = server.ChatBodies.Where(b => b.TryGetProperty("tools", out _)).ToList();
        Assert.Equal(4, toolRequests.Count);
        var seen = toolRequests[^1].GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "tool")
            .ToDictionary(m => m.GetProperty("tool_call_id").GetString()!, ToolCallingTests.ContentText); // what the model was told
        Assert.Equal(["c1", "c2", "c3", "c4"], seen.Keys.Order());
        Assert.Contains("not valid JSON", seen["c1"], StringComparison.Ordinal);
        Assert.Contains("\"lookup\" not found", seen["c2"], StringComparison.Ordinal);
        Assert.Contains("kb", seen["c3"], StringComparison.Ordinal); // the unknown collection's message lists the existing ones
        Assert.Equal(2, JsonDocument.Parse(seen["c4"]).RootElement.GetProperty("results").GetArrayLength());
        string printed = log.ToString();
        Assert.Contains("tool search((unparseable))", printed, StringComparison.Ordinal);
        Assert.Contains("tool search({\"query\":", printed, StringComparison.Ordinal);
        Assert.Contains("\"refine\":false", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sample_agent_stops_after_its_round_limit()
    {
        await using var server = await StartAsync();
        server.Script = body => body.TryGetProperty("tools", out _) ? LoopbackChatReply.Call(new LoopbackToolCall("again", "echo", """{"text": "x"}""")) : LoopbackChatReply.Say("gave up");
        var echo = AIFunctionFactory.Create((string text) => text, "echo");
        using var agent = AgentChat.Create(Client(server), maxRounds: 3, TextWriter.Null);

        var answer = await agent.GetResponseAsync([new(ChatRole.User, "loop")], new ChatOptions { Tools = [echo] });

        // Three rounds of calls, then one closing call without tools, which the model must answer in words.
        Assert.Equal(3, server.ChatBodies.Count(b => b.TryGetProperty("tools", out _)));
        Assert.Equal(4, server.ChatRequests);
        Assert.Equal("gave up", answer.Text);
    }

    /// <summary>A model that calls search with <paramref name="arguments"/> until it sees the result, then names the top document.</summary>
    private static Func<JsonElement, LoopbackChatReply?> ModelThatSearchesOnce(string arguments) => body =>
    {
        if (!body.TryGetProperty("tools", out _))
        {
            return null; // a judge prompt: the server's normal gold-label answer
        }

        var tool = body.GetProperty("messages").EnumerateArray().FirstOrDefault(m => m.GetProperty("role").GetString() == "tool");
        if (tool.ValueKind == JsonValueKind.Undefined)
        {
            return LoopbackChatReply.Call(new LoopbackToolCall("call_search", "search", arguments));
        }

        string top = JsonDocument.Parse(ToolCallingTests.ContentText(tool)).RootElement.GetProperty("results")[0].GetProperty("document").GetString()!;
        return LoopbackChatReply.Say($"Answer from {top}.");
    };

    private static OpenAICompatibleEmbeddingGenerator Embedder(LoopbackOpenAIServer server) => new(new EmbeddingModelSettings(server.BaseUri, "embedder"));

    /// <summary>Collection "kb": 6 relevant and 6 irrelevant one-chunk documents ("text of rel-0", ...), embedded over HTTP.</summary>
    private async Task<SqliteMemoryStore> HandbookAsync(LoopbackOpenAIServer server)
    {
        var store = new SqliteMemoryStore(new SqliteMemoryStoreOptions { DatabasePath = Path.Combine(_folder, "memory.db") }, Embedder(server));
        var documents = Documents(relevant: 6, irrelevant: 6).Select(d => new MemoryDocument(d.Id, d.Text)).ToList();
        await store.IngestAsync("kb", documents);
        return store;
    }
}
