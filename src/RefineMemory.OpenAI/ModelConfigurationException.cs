namespace RefineMemory.OpenAI;

/// <summary>The model endpoint is not configured; the message names the environment variables to set.</summary>
public sealed class ModelConfigurationException : Exception
{
    public ModelConfigurationException()
    {
    }

    public ModelConfigurationException(string message)
        : base(message)
    {
    }

    public ModelConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
