using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RefineMemory.Agents;
using RefineMemory.Judge;
using RefineMemory.OpenAI;
using RefineMemory.Search;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddRefineMemory_uses_the_hosts_keyed_chat_client_as_judge_and_binds_options_from_configuration()
    {
        using var db = new TempDatabase();
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = (query, text) => text.Contains("capital", StringComparison.Ordinal);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RefineMemory:ChatClientKey"] = "judge",
            ["RefineMemory:Search:Top"] = "3",
            ["RefineMemory:Search:Refinement:FeedbackCount"] = "6",
            ["RefineMemory:Search:Refinement:FeedbackFromTop"] = "6",
            ["RefineMemory:Tools:DefaultCollection"] = "facts",
        }).Build();

        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new HashingEmbedder());
        services.AddKeyedSingleton<IChatClient>("judge", new OpenAICompatibleChatClient(new ChatModelSettings(server.BaseUri, "loopback")));
        services.AddSqliteMemoryStore(db.Path);
        services.AddRefineMemory(configuration.GetSection("RefineMemory"));
        await using var provider = services.BuildServiceProvider();

        var tools = provider.GetRequiredService<RefineMemoryTools>();
        Assert.IsType<ChatRelevanceJudge>(provider.GetRequiredService<IRelevanceJudge>());
        Assert.Equal(["search", "ingest"], tools.All.Select(f => f.Name));

        var documents = Enumerable.Range(0, 12).Select(i => new { id = $"f{i}", text = i % 2 == 0 ? $"Fact {i}: city {i} is the capital of country {i}." : $"Fact {i}: river {i} flows into sea {i}." });
        await tools.Ingest.InvokeAsync(new AIFunctionArguments(new Dictionary<string, object?> { ["documents"] = JsonSerializer.SerializeToElement(documents) }));
        var output = (JsonElement)(await tools.Search.InvokeAsync(new AIFunctionArguments(new Dictionary<string, object?> { ["query"] = "which city is a capital" })))!;

        Assert.True(output.GetProperty("refined").GetBoolean(), output.ToString());
        Assert.Equal(6, output.GetProperty("judged").GetInt32());
        Assert.Equal(3, output.GetProperty("results").GetArrayLength());
        Assert.Equal(6, server.ChatRequests);
    }

    [Fact]
    public async Task A_host_judge_registered_first_wins_and_a_missing_embedder_is_named()
    {
        using var db = new TempDatabase();
        var services = new ServiceCollection();
        var gold = new GoldJudge((_, _) => 1f);
        services.AddSingleton<IRelevanceJudge>(gold);
        services.AddSqliteMemoryStore(db.Path);
        services.AddRefineMemory();
        await using var provider = services.BuildServiceProvider();
        Assert.Same(gold, provider.GetRequiredService<IRelevanceJudge>());
        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<RefinedSearch>());
        Assert.Contains("IEmbeddingGenerator", ex.Message, StringComparison.Ordinal);
    }
}
