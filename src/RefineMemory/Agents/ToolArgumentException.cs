namespace RefineMemory.Agents;

/// <summary>A tool was called with arguments it cannot use; the message names the argument and what was wrong.</summary>
public sealed class ToolArgumentException : ArgumentException
{
    private readonly string? _message;

    /// <summary>Creates the exception for the tool argument <paramref name="argument"/>.</summary>
    public ToolArgumentException(string message, string argument) : base(message, argument) => _message = message;

    /// <summary>Creates the exception with a default message.</summary>
    public ToolArgumentException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ToolArgumentException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public ToolArgumentException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>
    /// The message alone: it names the argument already, and it goes to a model or an MCP client, to whom .NET's
    /// appended "(Parameter 'x')" means nothing.
    /// </summary>
    public override string Message => _message ?? base.Message;
}
