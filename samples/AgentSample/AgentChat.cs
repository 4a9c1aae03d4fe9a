using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AgentSample;

/// <summary>
/// The sample's agent: the model behind Microsoft.Extensions.AI's <see cref="FunctionInvokingChatClient"/>, which
/// sends the tools, runs every call the model asks for and sends the results back until the model answers.
/// Bad calls (unknown tool, unparseable or wrong arguments, unknown collection) go back to the model as errors with
/// their message, so it can correct itself; every call is written to a log.
/// </summary>
internal static class AgentChat
{
    private static readonly JsonSerializerOptions Json = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>
    /// A chat client that runs tool calls: at most <paramref name="maxRounds"/> rounds of calls per question, then
    /// one last model call without tools, so the model has to answer in words.
    /// </summary>
    public static IChatClient Create(IChatClient model, int maxRounds, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRounds, 1);
        return model.AsBuilder()
            .UseFunctionInvocation(configure: invoker =>
            {
                invoker.MaximumIterationsPerRequest = maxRounds;
                invoker.IncludeDetailedErrors = true; // the model reads why its call failed and can correct it
                invoker.FunctionInvoker = async (context, cancellationToken) =>
                {
                    if (context.CallContent.Exception is { } parseError)
                    {
                        // The library passes no arguments for a call whose JSON did not parse; say why instead.
                        await log.WriteLineAsync($"tool {context.Function.Name}((unparseable))").ConfigureAwait(false);
                        throw new ArgumentException($"Your arguments were not valid JSON ({parseError.InnerException?.Message ?? parseError.Message}); call again with a JSON object.");
                    }

                    string arguments = JsonSerializer.Serialize(context.Arguments, Json);
                    object? result = await context.Function.InvokeAsync(context.Arguments, cancellationToken).ConfigureAwait(false);
                    string output = result is JsonElement json ? json.GetRawText() : JsonSerializer.Serialize(result, Json);
                    await log.WriteLineAsync($"tool {context.Function.Name}({arguments}) -> {Preview(output)}").ConfigureAwait(false);
                    return result;
                };
            })
            .Build();
    }

    private static string Preview(string output) => output.Length <= 120 ? output : $"{output[..117]}... ({output.Length} chars)";
}
