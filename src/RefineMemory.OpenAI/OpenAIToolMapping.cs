using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AI = Microsoft.Extensions.AI;
using Sdk = OpenAI.Chat;

namespace RefineMemory.OpenAI;

/// <summary>Maps function tools, tool choice, tool calls and tool results between Microsoft.Extensions.AI and the OpenAI SDK.</summary>
internal static class OpenAIToolMapping
{
    // M.E.AI's defaults (web names, reflection fallback) without indentation: what the model reads costs tokens.
    private static readonly JsonSerializerOptions Json = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>Adds <paramref name="options"/>' function tools, tool mode and parallel-call flag to <paramref name="result"/>.</summary>
    public static void AddTools(ChatOptions options, ChatCompletionOptions result)
    {
        if (options.Tools is { Count: > 0 } tools)
        {
            foreach (var tool in tools)
            {
                if (tool is not AIFunctionDeclaration function)
                {
                    throw new NotSupportedException(
                        $"Tool '{tool.Name}' ({tool.GetType().Name}) is not a function; OpenAICompatibleChatClient sends function tools (AIFunctionDeclaration) only.");
                }

                result.Tools.Add(ChatTool.CreateFunctionTool(function.Name, function.Description, BinaryData.FromString(function.JsonSchema.GetRawText())));
            }

            if (options.AllowMultipleToolCalls is bool parallel)
            {
                result.AllowParallelToolCalls ??= parallel;
            }
        }

        result.ToolChoice ??= options.ToolMode switch
        {
            null => null,
            _ when result.Tools.Count == 0 && options.ToolMode is not RequiredChatToolMode => null, // the API refuses tool_choice without tools
            NoneChatToolMode => ChatToolChoice.CreateNoneChoice(),
            AutoChatToolMode => ChatToolChoice.CreateAutoChoice(),
            RequiredChatToolMode { RequiredFunctionName: null } when result.Tools.Count > 0 => ChatToolChoice.CreateRequiredChoice(),
            RequiredChatToolMode { RequiredFunctionName: { } name } when result.Tools.Any(t => t.FunctionName == name) => ChatToolChoice.CreateFunctionChoice(name),
            RequiredChatToolMode { RequiredFunctionName: { } name } => throw new ArgumentException($"ToolMode requires the function '{name}', which is not among ChatOptions.Tools.", nameof(options)),
            RequiredChatToolMode => throw new ArgumentException("ToolMode requires a tool call, but ChatOptions.Tools is empty.", nameof(options)),
            _ => throw new NotSupportedException($"Tool mode {options.ToolMode.GetType().Name} is not supported by OpenAICompatibleChatClient."),
        };
    }

    /// <summary>The SDK tool call for an outgoing <see cref="FunctionCallContent"/> (arguments as a JSON object).</summary>
    public static ChatToolCall ToSdkCall(FunctionCallContent call)
    {
        byte[] arguments = call.Arguments is null ? "{}"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(call.Arguments, Json.GetTypeInfo(typeof(IDictionary<string, object?>)));
        return ChatToolCall.CreateFunctionToolCall(call.CallId, call.Name, BinaryData.FromBytes(arguments));
    }

    /// <summary>One tool message per <see cref="FunctionResultContent"/> of a <see cref="ChatRole.Tool"/> message.</summary>
    public static IEnumerable<ToolChatMessage> ToToolMessages(AI.ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            yield return content is FunctionResultContent result
                ? new ToolChatMessage(result.CallId, ResultText(result))
                : throw new NotSupportedException(
                    $"A tool message may only hold FunctionResultContent; it held {content.GetType().Name} (OpenAICompatibleChatClient).");
        }
    }

    /// <summary>The text the model receives for a function's result: strings as they are, anything else as JSON.</summary>
    public static string ResultText(FunctionResultContent result) => result.Result switch
    {
        string text => text,
        JsonElement element => element.GetRawText(),
        null when result.Exception is { } error => JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = error.Message }, Json.GetTypeInfo(typeof(Dictionary<string, string>))),
        null => string.Empty,
        var value => JsonSerializer.Serialize(value, Json.GetTypeInfo(value.GetType())),
    };

    /// <summary>
    /// A <see cref="FunctionCallContent"/> for a call the model asked for. Argument JSON that does not parse as an
    /// object does not throw: the content has <c>Arguments = null</c>, the parse error on
    /// <see cref="FunctionCallContent.Exception"/> and the raw text under <see cref="OpenAICompatibleChatClient.RawArgumentsKey"/>.
    /// </summary>
    public static FunctionCallContent ToFunctionCall(string callId, string name, string arguments, object? raw)
    {
        FunctionCallContent call;
        try
        {
            call = new FunctionCallContent(callId, name, ParseArguments(arguments));
        }
        catch (JsonException ex)
        {
            call = new FunctionCallContent(callId, name)
            {
                Exception = new InvalidOperationException($"The model's arguments for '{name}' (call {callId}) are not a JSON object: {ex.Message}", ex),
                AdditionalProperties = new() { [OpenAICompatibleChatClient.RawArgumentsKey] = arguments },
            };
        }

        call.RawRepresentation = raw;
        return call;
    }

    public static IEnumerable<FunctionCallContent> ToFunctionCalls(IEnumerable<ChatToolCall> calls) =>
        calls.Where(c => c.Kind == ChatToolCallKind.Function)
            .Select(c => ToFunctionCall(c.Id, c.FunctionName, c.FunctionArguments?.ToString() ?? string.Empty, c));

    private static Dictionary<string, object?>? ParseArguments(string arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return []; // some servers send "" for a call without parameters
        }

        using var document = JsonDocument.Parse(arguments);
        return document.RootElement.ValueKind switch
        {
            JsonValueKind.Object => ToDictionary(document.RootElement),
            JsonValueKind.Null => [],
            var kind => throw new JsonException($"Expected a JSON object, got {kind}."),
        };
    }

    private static Dictionary<string, object?> ToDictionary(JsonElement json)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            arguments[property.Name] = property.Value.Clone(); // a repeated name: the last one wins, as in JSON.parse
        }

        return arguments;
    }
}
