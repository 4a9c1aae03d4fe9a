namespace RefineMemory.UseLite;

/// <summary>A USE-Lite model file is missing; the message names the folder and the set-up command.</summary>
public sealed class UseLiteModelNotFoundException : FileNotFoundException
{
    public UseLiteModelNotFoundException(string message, string? fileName) : base(message, fileName) { }

    public UseLiteModelNotFoundException() { }

    public UseLiteModelNotFoundException(string message) : base(message) { }

    public UseLiteModelNotFoundException(string message, Exception innerException) : base(message, innerException) { }
}
