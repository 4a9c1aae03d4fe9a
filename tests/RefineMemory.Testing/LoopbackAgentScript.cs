using System.Text;
using System.Text.Json;
using RefineMemory.Judge;

namespace RefineMemory.Testing;

/// <summary>
/// Scripts for <see cref="LoopbackOpenAIServer.Script"/> that make the server behave like a tool-calling agent model:
/// asked with tools and no tool result yet, it calls the tool whose name ends with the given suffix; given a tool
/// result, it answers "From memory: " + that result; judge prompts get the normal labelled answers.
/// </summary>
public static class LoopbackAgentScript
{
    /// <summary>The prefix of every final answer, followed by the tool result (or the context) verbatim.</summary>
    public const string AnswerPrefix = "From memory: ";

    /// <summary>Calls the tool ending with <paramref name="toolSuffix"/> with <paramref name="arguments"/> (JSON), then answers with its result.</summary>
    public static Func<JsonElement, LoopbackChatReply?> CallToolThenAnswer(string toolSuffix, string arguments) => body =>
    {
        if (IsJudgePrompt(body))
        {
            return null;
        }

        if (LastToolResult(body) is { } result)
        {
            return LoopbackChatReply.Say(AnswerPrefix + result);
        }

        if (body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                string? name = tool.TryGetProperty("function", out var f) && f.TryGetProperty("name", out var n) ? n.GetString() : null;
                if (name is not null && name.EndsWith(toolSuffix, StringComparison.Ordinal))
                {
                    return LoopbackChatReply.Call(new LoopbackToolCall("call_1", name, arguments));
                }
            }
        }

        return null;
    };

    /// <summary>Answers every non-judge prompt with "From memory: " + the text of all its messages (where retrieval put its context).</summary>
    public static LoopbackChatReply? AnswerFromContext(JsonElement body)
    {
        if (IsJudgePrompt(body) || !body.TryGetProperty("messages", out var messages))
        {
            return null;
        }

        var context = new StringBuilder();
        foreach (var m in messages.EnumerateArray())
        {
            context.Append(Text(m)).Append('\n');
        }

        return LoopbackChatReply.Say(AnswerPrefix + context);
    }

    /// <summary>The content of the last "tool" message, or null.</summary>
    public static string? LastToolResult(JsonElement body)
    {
        string? result = null;
        if (body.TryGetProperty("messages", out var messages))
        {
            foreach (var m in messages.EnumerateArray())
            {
                if (m.TryGetProperty("role", out var r) && r.GetString() == "tool")
                {
                    result = Text(m);
                }
            }
        }

        return result;
    }

    /// <summary>Whether the body's last user message is a judge prompt.</summary>
    public static bool IsJudgePrompt(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out var messages))
        {
            return false;
        }

        string? last = null;
        foreach (var m in messages.EnumerateArray())
        {
            if (m.TryGetProperty("role", out var r) && r.GetString() == "user")
            {
                last = Text(m);
            }
        }

        return last is not null && JudgePrompt.TryParse(last, out _);
    }

    private static string Text(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return string.Empty;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString() ?? string.Empty;
        }

        var text = new StringBuilder();
        if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                if (part.TryGetProperty("text", out var t))
                {
                    text.Append(t.GetString());
                }
            }
        }

        return text.ToString();
    }
}
