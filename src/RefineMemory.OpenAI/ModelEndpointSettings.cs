namespace RefineMemory.OpenAI;

/// <summary>Where an OpenAI-compatible model lives and how to reach it.</summary>
public abstract class ModelEndpointSettings
{
    /// <summary>The public OpenAI API, used when only an OpenAI key is configured.</summary>
    public static readonly Uri OpenAIEndpoint = new("https://api.openai.com/v1");

    /// <summary>Checks and keeps the endpoint, model and key.</summary>
    protected ModelEndpointSettings(Uri endpoint, string model, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The endpoint '{endpoint}' must be an absolute http(s) URL such as https://api.openai.com/v1.", nameof(endpoint));
        }

        Endpoint = endpoint;
        Model = model;
        ApiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey;
    }

    /// <summary>Base URL of the OpenAI-compatible API, ending in /v1 (Azure OpenAI: https://NAME.openai.azure.com/openai/v1).</summary>
    public Uri Endpoint { get; }

    /// <summary>The model (Azure OpenAI: the deployment name).</summary>
    public string Model { get; }

    /// <summary>The API key; <c>null</c> sends no credentials (local Ollama, vLLM).</summary>
    public string? ApiKey { get; }

    /// <summary>HTTP timeout of one request. Default 100 s.</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Retries done by the SDK's transport. Default 0: <c>ChatRelevanceJudge</c> retries with its own policy, and
    /// two layers of retries multiply. Set it for other uses.
    /// </summary>
    public int TransportRetries { get; init; }

    /// <summary>Hides the key.</summary>
    public override string ToString() => $"{Model} at {Endpoint} ({(ApiKey is null ? "no key" : "key set")})";

    internal static bool TryRead(
        Func<string, string?> getVariable, string[] endpointVariables, string modelVariable, string[] keyVariables,
        out (Uri Endpoint, string Model, string? Key) values, out string problem)
    {
        values = default;
        string? endpointText = FirstSet(getVariable, endpointVariables, out _);
        string? key = FirstSet(getVariable, keyVariables, out _);
        string? model = getVariable(modelVariable);
        var missing = new List<string>();
        Uri? endpoint = null;
        if (endpointText is null)
        {
            if (key is null)
            {
                missing.Add($"{string.Join(" or ", endpointVariables)} (an OpenAI-compatible base URL ending in /v1), or {keyVariables[^1]} to use {OpenAIEndpoint}");
            }
            else
            {
                endpoint = OpenAIEndpoint;
            }
        }
        else if (!Uri.TryCreate(endpointText.Trim(), UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            problem = $"{endpointVariables[0]}='{endpointText}' is not an absolute http(s) URL (expected e.g. http://localhost:11434/v1).";
            return false;
        }

        if (string.IsNullOrWhiteSpace(model))
        {
            missing.Add($"{modelVariable} (the model or deployment name)");
        }

        if (missing.Count > 0)
        {
            problem = "The model is not configured: set " + string.Join("; and ", missing) + ".";
            return false;
        }

        values = (endpoint!, model!.Trim(), key);
        problem = string.Empty;
        return true;
    }

    private static string? FirstSet(Func<string, string?> getVariable, string[] names, out string? name)
    {
        foreach (string n in names)
        {
            if (getVariable(n) is { Length: > 0 } v && !string.IsNullOrWhiteSpace(v))
            {
                name = n;
                return v.Trim();
            }
        }

        name = null;
        return null;
    }
}
