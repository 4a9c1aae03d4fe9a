namespace RefineMemory.OpenAI;

/// <summary>
/// An OpenAI-compatible embedding model: <c>REFINE_EMBEDDING_ENDPOINT</c> (else <c>REFINE_CHAT_ENDPOINT</c>),
/// <c>REFINE_EMBEDDING_MODEL</c>, <c>REFINE_EMBEDDING_API_KEY</c> (else <c>REFINE_CHAT_API_KEY</c>, else <c>OPENAI_API_KEY</c>).
/// </summary>
public sealed class EmbeddingModelSettings : ModelEndpointSettings
{
    /// <summary>The variable naming the embedding endpoint (else the chat one).</summary>
    public const string EndpointVariable = "REFINE_EMBEDDING_ENDPOINT";
    /// <summary>The variable naming the embedding model.</summary>
    public const string ModelVariable = "REFINE_EMBEDDING_MODEL";
    /// <summary>The variable holding the embedding API key (else the chat one).</summary>
    public const string ApiKeyVariable = "REFINE_EMBEDDING_API_KEY";

    /// <summary>The embedding model <paramref name="model"/> at <paramref name="endpoint"/>, with <paramref name="apiKey"/> when the server needs one.</summary>
    public EmbeddingModelSettings(Uri endpoint, string model, string? apiKey = null)
        : base(endpoint, model, apiKey)
    {
    }

    /// <summary>Output dimensions to request (models that support shortening); <c>null</c> for the model's own.</summary>
    public int? Dimensions { get; init; }

    /// <summary>Most inputs sent in one request. Default 128.</summary>
    public int MaxBatchSize { get; init; } = 128;

    /// <summary>
    /// The settings from the variables <paramref name="getVariable"/> returns (a program passes
    /// <c>Environment.GetEnvironmentVariable</c>; the library itself reads no environment); throws
    /// <see cref="ModelConfigurationException"/> naming what is missing.
    /// </summary>
    public static EmbeddingModelSettings FromVariables(Func<string, string?> getVariable) =>
        TryFromVariables(getVariable, out var settings, out string problem) ? settings! : throw new ModelConfigurationException(problem);

    /// <summary>The settings from the variables <paramref name="getVariable"/> returns, or <c>false</c> and a sentence naming the variables to set.</summary>
    public static bool TryFromVariables(Func<string, string?> getVariable, out EmbeddingModelSettings? settings, out string problem)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        settings = null;
        if (!TryRead(getVariable, [EndpointVariable, ChatModelSettings.EndpointVariable], ModelVariable,
                [ApiKeyVariable, ChatModelSettings.ApiKeyVariable, ChatModelSettings.OpenAIApiKeyVariable], out var v, out problem))
        {
            return false;
        }

        settings = new EmbeddingModelSettings(v.Endpoint, v.Model, v.Key);
        return true;
    }
}
