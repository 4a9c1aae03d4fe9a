using System.ClientModel;
using System.Text.Json;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using RefineMemory.AgentFramework;
using RefineMemory.Agents;
using RefineMemory.Connectors.InMemory;
using RefineMemory.Judge;
using RefineMemory.Search;
using RefineMemory.Testing;

namespace RefineMemory.AgentFramework.Tests;

/// <summary>
/// Microsoft Agent Framework with an M.E.AI.OpenAI chat client pointed at the loopback server: the ChatClientAgent calls
/// our search tool (judge calls asking for logprobs, offering no tools) and TextSearchProvider retrieves refined results.
/// </summary>
public sealed class AgentFrameworkTests : IDisposable
{
    private const string Query = "refund not showing up";
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-maf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_agent_calls_the_search_tool_and_answers_with_the_refined_results()
    {
        await using var server = await StartAsync();
        server.Script = LoopbackAgentScript.CallToolThenAnswer("search", $$"""{"query":"{{Query}}","top":3}""");
        var (chat, provider) = await CreateAsync(server);
        await using var disposeProvider = provider;

        var agent = RefineMemoryAgent.Create(chat, provider.GetRequiredService<RefineMemoryTools>());
        var response = await agent.RunAsync("When will my refund show up?");

        Assert.StartsWith(LoopbackAgentScript.AnswerPrefix, response.Text, StringComparison.Ordinal);
        using var result = JsonDocument.Parse(response.Text[LoopbackAgentScript.AnswerPrefix.Length..]);
        Assert.True(result.RootElement.GetProperty("refined").GetBoolean());
        var hits = result.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, hits.Count);
        Assert.All(hits, h => Assert.StartsWith("Refunds go back", h.GetProperty("text").GetString(), StringComparison.Ordinal));
        var judgeCalls = server.ChatLog.Where(r => r.Judge is not null).ToList();
        Assert.Equal(12, judgeCalls.Count);
        Assert.All(judgeCalls, r => Assert.True(r.LogprobsRequested));
        Assert.All(server.ChatBodies.Where(LoopbackAgentScript.IsJudgePrompt), b => Assert.False(b.TryGetProperty("tools", out _)));
    }

    [Fact]
    public async Task Mafs_TextSearchProvider_puts_refined_results_before_the_model_call()
    {
        await using var server = await StartAsync();
        server.Script = LoopbackAgentScript.AnswerFromContext;
        var (chat, provider) = await CreateAsync(server);
        await using var disposeProvider = provider;
        var search = RefinedSearchTextSource.ForCollection(provider.GetRequiredService<RefinedSearch>(), "docs", top: 3);

        var agent = new ChatClientAgent(chat, new ChatClientAgentOptions
        {
            ChatOptions = new ChatOptions { Instructions = "Answer from the context." },
            AIContextProviders = [new TextSearchProvider(search)],
        });
        var response = await agent.RunAsync(Query);

        Assert.StartsWith(LoopbackAgentScript.AnswerPrefix, response.Text, StringComparison.Ordinal);
        Assert.Equal(3, response.Text.Split("Refunds go back").Length - 1);
        Assert.Equal(12, server.ChatLog.Count(r => r.Judge is not null && r.LogprobsRequested));
    }

    [Fact]
    public async Task The_vector_search_source_names_each_result_by_its_key_and_link()
    {
        await using var server = await StartAsync();
        var (chat, provider) = await CreateAsync(server);
        await using var disposeProvider = provider;
        var collection = new ExactInMemoryCollection<string, Note>("notes");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(RefundDocuments.All.Select(d => new Note { Id = d.Id, Text = d.Text, Embedding = LoopbackOpenAIServer.HashedEmbedding(d.Text, 16) }));
        var refined = new RefinedVectorSearch<Note>(collection, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), provider.GetRequiredService<IRelevanceJudge>());

        var results = (await RefinedSearchTextSource.ForVectorSearch(refined, top: 2, link: n => "notes/" + n.Id)(Query, CancellationToken.None)).ToList();

        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.StartsWith("Refunds go back", r.Text, StringComparison.Ordinal));
        Assert.All(results, r => Assert.Equal("notes/" + r.SourceName, r.SourceLink));
        Assert.All(results, r => Assert.IsType<RefinedVectorSearchHit<Note>>(r.RawRepresentation));
    }

    private static async Task<LoopbackOpenAIServer> StartAsync()
    {
        var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = RefundDocuments.Labels;
        return server;
    }

    private async Task<(IChatClient Chat, ServiceProvider Provider)> CreateAsync(LoopbackOpenAIServer server)
    {
        var openAI = new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = server.BaseUri });
        IChatClient chat = openAI.GetChatClient("loopback-model").AsIChatClient();
        var services = new ServiceCollection();
        services.AddSingleton(chat);
        services.AddSingleton(openAI.GetEmbeddingClient("loopback-embedding").AsIEmbeddingGenerator());
        services.AddSqliteMemoryStore(Path.Combine(_dir, "memory.db"));
        services.AddRefineMemory(o => o.Tools.DefaultCollection = "docs");
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<RefineMemoryTools>().Ingest.InvokeAsync(new() { ["documents"] = RefundDocuments.ForIngest() });
        return (chat, provider);
    }

    public sealed class Note
    {
        [Microsoft.Extensions.VectorData.VectorStoreKey]
        public string Id { get; set; } = "";

        [Microsoft.Extensions.VectorData.VectorStoreData]
        public string Text { get; set; } = "";

        [Microsoft.Extensions.VectorData.VectorStoreVector(16, DistanceFunction = Microsoft.Extensions.VectorData.DistanceFunction.CosineSimilarity)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }
}
