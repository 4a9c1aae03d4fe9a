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
    public void The_hosts_chat_client_wins_and_a_missing_configuration_is_named_on_resolution()
    {
        using var host = new ServiceCollection().AddSingleton<IChatClient>(new FakeClient()).AddOpenAICompatibleChatClient().BuildServiceProvider();
        Assert.IsType<FakeClient>(host.GetRequiredService<IChatClient>());

        if (Environment.GetEnvironmentVariable("REFINE_CHAT_MODEL") is null)
        {
            using var bare = new ServiceCollection().AddOpenAICompatibleChatClient().BuildServiceProvider();
            var error = Assert.Throws<ModelConfigurationException>(() => bare.GetRequiredService<IChatClient>());
            Assert.Contains("REFINE_CHAT_MODEL", error.Message, StringComparison.Ordinal);
        }
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
