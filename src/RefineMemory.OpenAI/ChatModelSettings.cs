namespace RefineMemory.OpenAI;

/// <summary>
/// The chat model used as judge (and for HyDE): read from <c>REFINE_CHAT_ENDPOINT</c>, <c>REFINE_CHAT_MODEL</c> and
/// <c>REFINE_CHAT_API_KEY</c> (falling back to <c>OPENAI_API_KEY</c>; with no endpoint set, an OpenAI key means
/// https://api.openai.com/v1).
/// </summary>
public sealed class ChatModelSettings : ModelEndpointSettings
{
    /// <summary>The variable naming the OpenAI-compatible base URL.</summary>
    public const string EndpointVariable = "REFINE_CHAT_ENDPOINT";
    /// <summary>The variable naming the model or deployment.</summary>
    public const string ModelVariable = "REFINE_CHAT_MODEL";
    /// <summary>The variable holding the API key.</summary>
    public const string ApiKeyVariable = "REFINE_CHAT_API_KEY";
    /// <summary>OpenAI's own key variable, read when <see cref="ApiKeyVariable"/> is unset.</summary>
    public const string OpenAIApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>The chat model <paramref name="model"/> at <paramref name="endpoint"/>, with <paramref name="apiKey"/> when the server needs one.</summary>
    public ChatModelSettings(Uri endpoint, string model, string? apiKey = null)
        : base(endpoint, model, apiKey)
    {
    }

    /// <summary>
    /// The settings from the variables <paramref name="getVariable"/> returns (a program passes
    /// <c>Environment.GetEnvironmentVariable</c>; the library itself reads no environment); throws
    /// <see cref="ModelConfigurationException"/> naming what is missing.
    /// </summary>
    public static ChatModelSettings FromVariables(Func<string, string?> getVariable) =>
        TryFromVariables(getVariable, out var settings, out string problem) ? settings! : throw new ModelConfigurationException(problem);

    /// <summary>The settings from the variables <paramref name="getVariable"/> returns, or <c>false</c> and a sentence naming the variables to set.</summary>
    public static bool TryFromVariables(Func<string, string?> getVariable, out ChatModelSettings? settings, out string problem)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        settings = null;
        if (!TryRead(getVariable, [EndpointVariable], ModelVariable, [ApiKeyVariable, OpenAIApiKeyVariable], out var v, out problem))
        {
            return false;
        }

        settings = new ChatModelSettings(v.Endpoint, v.Model, v.Key);
        return true;
    }
}
