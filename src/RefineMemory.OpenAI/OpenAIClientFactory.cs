using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;

namespace RefineMemory.OpenAI;

/// <summary>Builds the SDK client for a settings object: endpoint, credentials, timeout, SDK retries.</summary>
internal static class OpenAIClientFactory
{
    public static OpenAIClient Create(ModelEndpointSettings settings)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = settings.Endpoint,
            NetworkTimeout = settings.NetworkTimeout,
            RetryPolicy = new ClientRetryPolicy(Math.Max(settings.TransportRetries, 0)),
        };
#pragma warning disable OPENAI001 // The policy-taking constructor is "experimental"; it is the SDK's only way to send no key (Ollama) or an api-key header (Azure).
        return new OpenAIClient(Authentication(settings), options);
#pragma warning restore OPENAI001
    }

    private static AuthenticationPolicy Authentication(ModelEndpointSettings settings)
    {
        if (settings.ApiKey is null)
        {
            return new NoAuthenticationPolicy();
        }

        var credential = new ApiKeyCredential(settings.ApiKey);

        // Azure OpenAI's v1 API accepts its key in the api-key header.
        string host = settings.Endpoint.Host;
        return host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".services.ai.azure.com", StringComparison.OrdinalIgnoreCase)
            ? ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(credential, "api-key")
            : ApiKeyAuthenticationPolicy.CreateBearerAuthorizationPolicy(credential);
    }

    /// <summary>Sends no credentials, for local servers (Ollama, vLLM) that need none.</summary>
    private sealed class NoAuthenticationPolicy : AuthenticationPolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
            ProcessNext(message, pipeline, currentIndex);

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
            ProcessNextAsync(message, pipeline, currentIndex);
    }
}
