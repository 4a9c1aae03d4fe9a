using System.Text.Json;
using Microsoft.Extensions.AI;
using RefineMemory.Testing;
using static RefineMemory.OpenAI.Tests.JudgeTestKit;

namespace RefineMemory.OpenAI.Tests;

public sealed class ToolCallingTests
{
    private static readonly AIFunction Add = AIFunctionFactory.Create((int a, int b) => a + b, "add", "Adds two integers.");
    private static readonly AIFunction Echo = AIFunctionFactory.Create((string text) => text, "echo", "Repeats the text.");

    [Fact]
    public async Task Function_tools_are_sent_with_name_description_and_json_schema()
    {
        await using var server = await StartAsync();
        using var client = Client(server);

        await client.GetResponseAsync("hello", new ChatOptions { Tools = [Add, Echo], AllowMultipleToolCalls = false });

        var body = Assert.Single(server.ChatBodies);
        var tools = body.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(2, tools.Count);
        Assert.Equal("function", tools[0].GetProperty("type").GetString());
        var function = tools[0].GetProperty("function");
        Assert.Equal(("add", "Adds two integers."), (function.GetProperty("name").GetString(), function.GetProperty("description").GetString()));
        var parameters = function.GetProperty("parameters"); // the library may add keywords (additionalProperties); ours must all be there
        Assert.All(Add.JsonSchema.EnumerateObject(), p => Assert.True(JsonElement.DeepEquals(p.Value, parameters.GetProperty(p.Name)), p.Name));
        Assert.Equal("echo", tools[1].GetProperty("function").GetProperty("name").GetString());
        Assert.False(body.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal("auto", body.GetProperty("tool_choice").GetString()); // no ToolMode: the library asks for auto, the API's default
    }

    [Theory]
    [InlineData("auto", "\"auto\"")]
    [InlineData("none", "\"none\"")]
    [InlineData("required", "\"required\"")]
    [InlineData("echo", """{"type":"function","function":{"name":"echo"}}""")]
    public async Task Tool_mode_becomes_tool_choice(string mode, string expected)
    {
        await using var server = await StartAsync();
        using var client = Client(server);
        ChatToolMode toolMode = mode switch
        {
            "auto" => ChatToolMode.Auto,
            "none" => ChatToolMode.None,
            "required" => ChatToolMode.RequireAny,
            _ => ChatToolMode.RequireSpecific(mode),
        };

        await client.GetResponseAsync("hello", new ChatOptions { Tools = [Add, Echo], ToolMode = toolMode });

        var choice = Assert.Single(server.ChatBodies).GetProperty("tool_choice");
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(expected).RootElement, choice), choice.GetRawText());
    }

    [Fact]
    public async Task Without_tools_no_tool_choice_or_parallel_flag_is_sent()
    {
        await using var server = await StartAsync();
        using var client = Client(server);

        await client.GetResponseAsync("hello", new ChatOptions { ToolMode = ChatToolMode.None, AllowMultipleToolCalls = true });

        var body = Assert.Single(server.ChatBodies);
        Assert.False(body.TryGetProperty("tools", out _) || body.TryGetProperty("tool_choice", out _) || body.TryGetProperty("parallel_tool_calls", out _));
    }

    [Fact]
    public async Task Tool_calls_come_back_as_function_calls_with_parsed_arguments()
    {
        await using var server = await StartAsync();
        server.Script = _ => LoopbackChatReply.Call(new LoopbackToolCall("call_a", "add", """{"a": 2, "b": 40}"""), new LoopbackToolCall("call_e", "echo", """{"text": "hi"}"""));
        using var client = Client(server);

        var response = await client.GetResponseAsync("add 2 and 40", new ChatOptions { Tools = [Add, Echo] });

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_a", "call_e"], calls.Select(c => c.CallId));
        Assert.Equal(["add", "echo"], calls.Select(c => c.Name));
        Assert.All(calls, c => Assert.Null(c.Exception));
        Assert.Equal(2, ((JsonElement)calls[0].Arguments!["a"]!).GetInt32());
        Assert.Equal("42", JsonSerializer.Serialize(await Add.InvokeAsync(new AIFunctionArguments(calls[0].Arguments))));
        Assert.Equal(string.Empty, response.Text);
    }

    [Theory]
    [InlineData("""{"query": "keys""")]
    [InlineData("[1, 2]")]
    [InlineData("query=keys")]
    public async Task Malformed_arguments_keep_the_parse_error_instead_of_throwing(string raw)
    {
        await using var server = await StartAsync();
        server.Script = _ => LoopbackChatReply.Call(new LoopbackToolCall("call_bad", "echo", raw));
        using var client = Client(server);

        var response = await client.GetResponseAsync("x", new ChatOptions { Tools = [Echo] });
        var streamed = await client.GetStreamingResponseAsync("x", new ChatOptions { Tools = [Echo] }).ToChatResponseAsync();

        foreach (var r in new[] { response, streamed })
        {
            var call = Assert.Single(r.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
            Assert.Equal(("call_bad", "echo"), (call.CallId, call.Name));
            Assert.Null(call.Arguments);
            Assert.IsAssignableFrom<JsonException>(Assert.IsType<InvalidOperationException>(call.Exception).InnerException);
            Assert.Equal(ChatFinishReason.ToolCalls, r.FinishReason);
        }
    }

    [Fact]
    public async Task Streamed_tool_call_fragments_are_joined_into_whole_calls_at_the_end()
    {
        await using var server = await StartAsync();
        server.Script = _ => LoopbackChatReply.Call(new LoopbackToolCall("call_1", "add", """{"a": 1, "b": 2}"""), new LoopbackToolCall("call_2", "echo", """{"text": "streamed"}"""));
        using var client = Client(server);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("x", new ChatOptions { Tools = [Add, Echo] }))
        {
            updates.Add(update);
        }

        // Only the last update carries calls, and each call is whole there.
        Assert.All(updates.SkipLast(1), u => Assert.DoesNotContain(u.Contents, c => c is FunctionCallContent));
        var calls = updates[^1].Contents.Cast<FunctionCallContent>().ToList();
        Assert.Equal(["call_1", "call_2"], calls.Select(c => c.CallId));
        Assert.Equal("streamed", ((JsonElement)calls[1].Arguments!["text"]!).GetString());
        Assert.Equal(2, ((JsonElement)calls[0].Arguments!["b"]!).GetInt32());
        Assert.Equal(ChatFinishReason.ToolCalls, updates.ToChatResponse().FinishReason);
    }

    [Fact]
    public async Task Function_calls_and_results_in_the_history_are_sent_as_tool_calls_and_tool_messages()
    {
        await using var server = await StartAsync();
        using var client = Client(server);
        var arguments = new Dictionary<string, object?> { ["a"] = 2, ["b"] = 40 };
        List<ChatMessage> history =
        [
            new(ChatRole.User, "add 2 and 40, then echo it"),
            new(ChatRole.Assistant, [new TextContent("Let me compute."), new FunctionCallContent("call_a", "add", arguments), new FunctionCallContent("call_e", "echo")]),
            new(ChatRole.Tool, [new FunctionResultContent("call_a", 42), new FunctionResultContent("call_e", "plain text")]),
            new(ChatRole.Tool, [new FunctionResultContent("call_x", null) { Exception = new InvalidOperationException("tool broke") }]),
        ];

        await client.GetResponseAsync(history, new ChatOptions { Tools = [Add, Echo] });

        var messages = Assert.Single(server.ChatBodies).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool", "tool", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        var assistant = messages[1];
        Assert.Contains("Let me compute.", assistant.GetProperty("content").GetRawText(), StringComparison.Ordinal);
        var calls = assistant.GetProperty("tool_calls").EnumerateArray().ToList();
        Assert.Equal(("call_a", "function", "add"), (calls[0].GetProperty("id").GetString(), calls[0].GetProperty("type").GetString(), calls[0].GetProperty("function").GetProperty("name").GetString()));
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse("""{"a":2,"b":40}""").RootElement, JsonDocument.Parse(calls[0].GetProperty("function").GetProperty("arguments").GetString()!).RootElement));
        Assert.Equal(("call_e", "echo"), (calls[1].GetProperty("id").GetString(), calls[1].GetProperty("function").GetProperty("name").GetString()));
        Assert.Equal(("call_a", "42"), (messages[2].GetProperty("tool_call_id").GetString(), ContentText(messages[2])));
        Assert.Equal(("call_e", "plain text"), (messages[3].GetProperty("tool_call_id").GetString(), ContentText(messages[3])));
        Assert.Equal("call_x", messages[4].GetProperty("tool_call_id").GetString()); // a result with only an exception: the library sends empty text
    }

    /// <summary>The text of a message whose content is a string or an array of text parts.</summary>
    internal static string ContentText(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
    }
}
