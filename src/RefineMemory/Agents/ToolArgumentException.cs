namespace RefineMemory.Agents;

/// <summary>A tool was called with arguments it cannot use; the message names the argument and what was wrong.</summary>
public sealed class ToolArgumentException : ArgumentException
{
    public ToolArgumentException(string message, string argument) : base(message, argument) { }

    public ToolArgumentException() { }

    public ToolArgumentException(string message) : base(message) { }

    public ToolArgumentException(string message, Exception innerException) : base(message, innerException) { }
}
