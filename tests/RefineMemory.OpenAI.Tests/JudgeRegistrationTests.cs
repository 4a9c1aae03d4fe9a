using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RefineMemory.Judge;
using static RefineMemory.OpenAI.Tests.JudgeTestKit;

namespace RefineMemory.OpenAI.Tests;

public sealed class JudgeRegistrationTests
{
    [Fact]
    public async Task The_registered_judge_uses_the_registered_chat_client_and_cache()
    {
        await using var server = await StartAsync();
        var services = new ServiceCollection()
            .AddSingleton<IJudgeCache>(new InMemoryJudgeCache())
            .AddOpenAICompatibleChatClient(new ChatModelSettings(server.BaseUri, "judge-model"))
            .AddChatRelevanceJudge(o => o.MaxParallelism = 2);
        await using var provider = services.BuildServiceProvider();

        var judge = provider.GetRequiredService<IRelevanceJudge>();
        Assert.IsType<CachingRelevanceJudge>(judge);
        Assert.IsType<OpenAICompatibleChatClient>(provider.GetRequiredService<IChatClient>());
        var result = await judge.JudgeAsync(new JudgeRequest(Query, Documents(1, 1)));
        Assert.Equal(2, result.Diagnostics.Judged);
    }

    [Fact]
    public void The_hosts_chat_client_wins_and_missing_settings_are_refused_at_registration()
    {
        var settings = new ChatModelSettings(new Uri("http://127.0.0.1:9/v1"), "judge");
        using var host = new ServiceCollection().AddSingleton<IChatClient>(new FakeClient()).AddOpenAICompatibleChatClient(settings).BuildServiceProvider();
        Assert.IsType<FakeClient>(host.GetRequiredService<IChatClient>());

        // The library reads no environment: the settings come in from the program, or the registration fails at once.
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddOpenAICompatibleChatClient(null!));
        var error = Assert.Throws<ModelConfigurationException>(() => ChatModelSettings.FromVariables(_ => null));
        Assert.Contains("REFINE_CHAT_MODEL", error.Message, StringComparison.Ordinal);
    }

    private sealed class FakeClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
