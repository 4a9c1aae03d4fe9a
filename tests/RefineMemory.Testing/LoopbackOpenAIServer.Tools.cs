using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace RefineMemory.Testing;

/// <summary>A tool call a scripted reply asks for: <paramref name="Arguments"/> is sent verbatim (it may be broken JSON on purpose).</summary>
public sealed record LoopbackToolCall(string Id, string Name, string Arguments);

/// <summary>A scripted chat answer of <see cref="LoopbackOpenAIServer"/>: text, or tool calls (finish reason "tool_calls").</summary>
public sealed record LoopbackChatReply
{
    private LoopbackChatReply(string? text, IReadOnlyList<LoopbackToolCall> toolCalls) => (Text, ToolCalls) = (text, toolCalls);

    public string? Text { get; }

    public IReadOnlyList<LoopbackToolCall> ToolCalls { get; }

    /// <summary>A plain text answer.</summary>
    public static LoopbackChatReply Say(string text) => new(text, []);

    /// <summary>An answer asking for tool calls (content null).</summary>
    public static LoopbackChatReply Call(params LoopbackToolCall[] calls) => new(null, calls);
}

public sealed partial class LoopbackOpenAIServer
{
    private readonly ConcurrentQueue<JsonElement> _chatBodies = new();

    /// <summary>
    /// Chooses a scripted reply from a chat request's JSON body (e.g. tool calls when the body has "tools" and no
    /// "tool" message yet), or null for the normal answer. Faults still take precedence.
    /// </summary>
    public Func<JsonElement, LoopbackChatReply?>? Script { get; set; }

    /// <summary>The JSON body of every chat request received, in arrival order.</summary>
    public IReadOnlyList<JsonElement> ChatBodies => _chatBodies.ToArray();

    private async Task<bool> TryWriteScriptedAsync(HttpContext http, JsonElement root, LoopbackChatRequest request)
    {
        if (Script?.Invoke(root) is not { } reply)
        {
            return false;
        }

        bool stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        if (stream)
        {
            await WriteScriptedStreamAsync(http, request, reply);
            return true;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            id = $"chatcmpl-{request.Sequence}",
            @object = "chat.completion",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = request.Model,
            choices = new[]
            {
                new
                {
                    index = 0,
                    message = new
                    {
                        role = "assistant",
                        content = reply.Text,
                        refusal = (string?)null,
                        tool_calls = reply.ToolCalls.Count == 0 ? null : reply.ToolCalls.Select(c => new { id = c.Id, type = "function", function = new { name = c.Name, arguments = c.Arguments } }).ToArray(),
                    },
                    logprobs = (object?)null,
                    finish_reason = reply.ToolCalls.Count == 0 ? "stop" : "tool_calls",
                },
            },
            usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
        }), http.RequestAborted);
        return true;
    }

    /// <summary>Streams the reply the way OpenAI does: id and name first, the arguments in two fragments, then the finish reason.</summary>
    private static async Task WriteScriptedStreamAsync(HttpContext http, LoopbackChatRequest request, LoopbackChatReply reply)
    {
        http.Response.ContentType = "text/event-stream";
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Task Send(object delta, string? finish) => http.Response.WriteAsync(
            "data: " + JsonSerializer.Serialize(new
            {
                id = $"chatcmpl-{request.Sequence}",
                @object = "chat.completion.chunk",
                created,
                model = request.Model,
                choices = new[] { new { index = 0, delta, finish_reason = finish } },
            }) + "\n\n",
            http.RequestAborted);

        if (reply.Text is { } text)
        {
            await Send(new { role = "assistant", content = text }, null);
        }

        for (int i = 0; i < reply.ToolCalls.Count; i++)
        {
            var call = reply.ToolCalls[i];
            int half = call.Arguments.Length / 2;
            await Send(new { tool_calls = new[] { new { index = i, id = call.Id, type = "function", function = new { name = call.Name, arguments = string.Empty } } } }, null);
            foreach (string fragment in new[] { call.Arguments[..half], call.Arguments[half..] })
            {
                await Send(new { tool_calls = new[] { new { index = i, function = new { arguments = fragment } } } }, null);
            }
        }

        await Send(new { }, reply.ToolCalls.Count == 0 ? "stop" : "tool_calls");
        await http.Response.WriteAsync("data: [DONE]\n\n", http.RequestAborted);
    }
}
