namespace RefineMemory.Cli.Mcp;

/// <summary>
/// The message an MCP client reads for a failed call: the exception's own sentence, without .NET's wording
/// (an appended "(Parameter 'x')", an exception type name), which means nothing to a model or a person using it.
/// </summary>
internal static class McpMessages
{
    public static string Of(Exception ex)
    {
        string message = ex.Message;
        if (ex is ArgumentException { ParamName: { } name } && message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal))
        {
            message = message[..^$" (Parameter '{name}')".Length];
        }

        return TerminalText.Clean(message);
    }
}
