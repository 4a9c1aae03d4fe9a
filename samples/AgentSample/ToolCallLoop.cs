using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AgentSample;

/// <summary>
/// A small tool-call loop over any <see cref="IChatClient"/> (the function-invoking client of Microsoft.Extensions.AI
/// is not served here): send the conversation with the tools, run every function call the model asks for, send the
/// results back, and stop when the model answers without calling. Bad calls (unknown tool, unparseable or wrong
/// arguments, unknown collection) go back to the model as <c>{"error": "..."}</c> so it can correct itself.
/// </summary>
internal static class ToolCallLoop
{
    private static readonly JsonSerializerOptions Json = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>
    /// Runs at most <paramref name="maxRounds"/> model calls. Returns the model's final response, or null when it was
    /// still calling tools after the last round. <paramref name="messages"/> receives every message of the exchange.
    /// </summary>
    public static async Task<ChatResponse?> RunAsync(
        IChatClient client, List<ChatMessage> messages, IReadOnlyList<AIFunction> tools, int maxRounds, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRounds, 1);
        var byName = tools.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var options = new ChatOptions { Tools = [.. tools], ToolMode = ChatToolMode.Auto };
        for (int round = 0; round < maxRounds; round++)
        {
            var response = await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            messages.AddRange(response.Messages);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count == 0)
            {
                return response;
            }

            var results = new List<AIContent>(calls.Count);
            foreach (var call in calls)
            {
                string output = await InvokeAsync(call, byName, cancellationToken).ConfigureAwait(false);
                string arguments = call.Arguments is null ? "(unparseable)" : JsonSerializer.Serialize(call.Arguments, Json);
                await log.WriteLineAsync($"tool {call.Name}({arguments}) -> {Preview(output)}").ConfigureAwait(false);
                results.Add(new FunctionResultContent(call.CallId, output));
            }

            messages.Add(new ChatMessage(ChatRole.Tool, results));
        }

        return null;
    }

    private static async Task<string> InvokeAsync(FunctionCallContent call, Dictionary<string, AIFunction> byName, CancellationToken cancellationToken)
    {
        if (call.Exception is { } parseError)
        {
            return Error($"Your arguments were not valid JSON ({parseError.Message}); call again with a JSON object.");
        }

        if (!byName.TryGetValue(call.Name, out var function))
        {
            return Error($"There is no tool named '{call.Name}'; the tools are {string.Join(", ", byName.Keys)}.");
        }

        try
        {
            object? result = await function.InvokeAsync(new AIFunctionArguments(call.Arguments), cancellationToken).ConfigureAwait(false);
            return result switch
            {
                JsonElement json => json.GetRawText(),
                string text => text,
                null => "null",
                _ => JsonSerializer.Serialize(result, Json),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or JsonException)
        {
            return Error(ex.Message); // bad arguments or an unknown collection: the model can correct its call
        }
    }

    private static string Error(string message) => JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message });

    private static string Preview(string output) => output.Length <= 120 ? output : $"{output[..117]}... ({output.Length} chars)";
}
