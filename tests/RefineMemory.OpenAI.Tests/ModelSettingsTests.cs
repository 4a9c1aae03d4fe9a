namespace RefineMemory.OpenAI.Tests;

public sealed class ModelSettingsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Reads_endpoint_model_and_key()
    {
        Assert.True(ChatModelSettings.TryFromVariables(Env(
            ("REFINE_CHAT_ENDPOINT", "http://localhost:11434/v1"), ("REFINE_CHAT_MODEL", "qwen3:8b"), ("REFINE_CHAT_API_KEY", "k")), out var s, out _));
        Assert.Equal((new Uri("http://localhost:11434/v1"), "qwen3:8b", "k"), (s!.Endpoint, s.Model, s.ApiKey));
        Assert.DoesNotContain("k)", s.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_OpenAI_key_alone_means_the_OpenAI_endpoint()
    {
        Assert.True(ChatModelSettings.TryFromVariables(Env(("OPENAI_API_KEY", "sk-x"), ("REFINE_CHAT_MODEL", "gpt-4o-mini")), out var s, out _));
        Assert.Equal((ModelEndpointSettings.OpenAIEndpoint, "sk-x"), (s!.Endpoint, s.ApiKey));
    }

    [Fact]
    public void A_local_endpoint_needs_no_key()
    {
        Assert.True(ChatModelSettings.TryFromVariables(Env(("REFINE_CHAT_ENDPOINT", "http://127.0.0.1:8000/v1"), ("REFINE_CHAT_MODEL", "m")), out var s, out _));
        Assert.Null(s!.ApiKey);
    }

    [Fact]
    public void Says_what_is_missing()
    {
        Assert.False(ChatModelSettings.TryFromVariables(Env(), out _, out string problem));
        Assert.Contains("REFINE_CHAT_ENDPOINT", problem, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", problem, StringComparison.Ordinal);
        Assert.Contains("REFINE_CHAT_MODEL", problem, StringComparison.Ordinal);

        Assert.False(ChatModelSettings.TryFromVariables(Env(("REFINE_CHAT_ENDPOINT", "localhost:11434"), ("REFINE_CHAT_MODEL", "m")), out _, out problem));
        Assert.Contains("not an absolute http(s) URL", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedding_settings_fall_back_to_the_chat_endpoint_and_key()
    {
        Assert.True(EmbeddingModelSettings.TryFromVariables(Env(
            ("REFINE_CHAT_ENDPOINT", "http://h/v1"), ("REFINE_CHAT_API_KEY", "k"), ("REFINE_EMBEDDING_MODEL", "e")), out var s, out _));
        Assert.Equal((new Uri("http://h/v1"), "e", "k"), (s!.Endpoint, s.Model, s.ApiKey));
        Assert.False(EmbeddingModelSettings.TryFromVariables(Env(("REFINE_CHAT_ENDPOINT", "http://h/v1")), out _, out string problem));
        Assert.Contains("REFINE_EMBEDDING_MODEL", problem, StringComparison.Ordinal);
    }
}
