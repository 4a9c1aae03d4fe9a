namespace RefineMemory.OpenAI;

/// <summary>The model endpoint is not configured; the message names the environment variables to set.</summary>
public sealed class ModelConfigurationException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ModelConfigurationException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ModelConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public ModelConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
