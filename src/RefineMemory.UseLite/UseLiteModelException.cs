namespace RefineMemory.UseLite;

/// <summary>A USE-Lite model file is missing; the message names the folder and the set-up command.</summary>
public sealed class UseLiteModelNotFoundException : FileNotFoundException
{
    /// <summary>Creates the exception for the missing <paramref name="fileName"/>.</summary>
    public UseLiteModelNotFoundException(string message, string? fileName) : base(message, fileName) { }

    /// <summary>Creates the exception with a default message.</summary>
    public UseLiteModelNotFoundException() { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public UseLiteModelNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public UseLiteModelNotFoundException(string message, Exception innerException) : base(message, innerException) { }
}
