using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using Microsoft.SemanticKernel.Data;
using RefineMemory.Search;
using RefineMemory.SemanticKernel.Judge;
using RefineMemory.SemanticKernel.TextSearch;
using RefineMemory.Testing;

#pragma warning disable CS0618 // SK's TextSearchProvider and plugin factory take the obsolete ITextSearch; that is what is tested here.

namespace RefineMemory.SemanticKernel.Tests;

/// <summary>
/// <see cref="RefinedTextSearch{TRecord}"/> over a VectorData collection, judged by the kernel's model on the loopback
/// server: SK's text-search results, its plugin factory and its TextSearchProvider get the refined results.
/// </summary>
public sealed class RefinedTextSearchTests
{
    private const string Query = "refund not showing up";

    [Fact]
    public async Task Text_search_results_carry_name_value_and_link_from_the_record_in_refined_order()
    {
        await using var server = await StartAsync();
        var (_, search) = await CreateAsync(server);

        var results = await search.GetTextSearchResultsAsync(Query, new TextSearchOptions<Passage> { Top = 3 });
        var list = await results.Results.ToListAsync();

        Assert.Equal(3, list.Count);
        Assert.All(list, r => Assert.StartsWith("Refunds go back", r.Value, StringComparison.Ordinal));
        Assert.All(list, r => Assert.StartsWith("Handbook section ", r.Name, StringComparison.Ordinal));
        Assert.All(list, r => Assert.StartsWith("https://example.test/handbook/", r.Link, StringComparison.Ordinal));
        Assert.Equal(true, results.Metadata!["refined"]);
        Assert.StartsWith("yes/no logprobs", (string)results.Metadata["judgeMethod"]!, StringComparison.Ordinal);
        Assert.All(server.ChatLog, r => Assert.True(r.LogprobsRequested));
    }

    [Fact]
    public async Task Search_results_are_the_records_and_filters_pass_through()
    {
        await using var server = await StartAsync();
        var (_, search) = await CreateAsync(server);

        var records = await (await search.GetSearchResultsAsync(Query, new TextSearchOptions<Passage> { Top = 2, Filter = p => p.Lang == "de" })).Results.ToListAsync();
        var legacy = await (await ((ITextSearch)search).GetSearchResultsAsync(Query, new TextSearchOptions { Top = 2, Filter = new TextSearchFilter().Equality(nameof(Passage.Lang), "de") })).Results.ToListAsync();
        var strings = await (await ((ITextSearch)search).SearchAsync(Query, new TextSearchOptions { Top = 1 })).Results.ToListAsync();

        Assert.Equal(2, records.Count);
        Assert.All(records, p => Assert.Equal("de", p.Lang));
        Assert.Equal(records.Select(r => r.Id), legacy.Cast<Passage>().Select(r => r.Id));
        Assert.StartsWith("Refunds go back", Assert.Single(strings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsupported_legacy_filter_clause_is_a_clear_error()
    {
        await using var server = await StartAsync();
        var (_, search) = await CreateAsync(server);
        var filter = new TextSearchFilter().Equality("Missing", "x");

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => ((ITextSearch)search).SearchAsync(Query, new TextSearchOptions { Filter = filter }));

        Assert.Contains("'Missing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sks_TextSearchProvider_puts_the_refined_results_into_the_context_and_the_answer_uses_them()
    {
        await using var server = await StartAsync();
        server.Script = LoopbackAgentScript.AnswerFromContext;
        var (kernel, search) = await CreateAsync(server);
        var provider = new TextSearchProvider(search, options: new TextSearchProviderOptions { Top = 3 });

        var context = await provider.ModelInvokingAsync([new ChatMessage(ChatRole.User, Query)]);
        var answer = await kernel.GetRequiredService<IChatClient>().GetResponseAsync([new ChatMessage(ChatRole.System, context.Instructions), new ChatMessage(ChatRole.User, Query)]);

        Assert.Equal(3, CountOccurrences(context.Instructions!, "Refunds go back"));
        Assert.Contains("Handbook section ", context.Instructions, StringComparison.Ordinal);
        Assert.StartsWith(LoopbackAgentScript.AnswerPrefix, answer.Text, StringComparison.Ordinal);
        Assert.Equal(3, CountOccurrences(answer.Text, "Refunds go back"));
        Assert.Equal(12, server.ChatLog.Count(r => r.Judge is not null));
    }

    [Fact]
    public async Task Sks_text_search_plugin_answers_through_automatic_function_calling()
    {
        await using var server = await StartAsync();
        server.Script = LoopbackAgentScript.CallToolThenAnswer("GetTextSearchResults", $$"""{"query":"{{Query}}","count":2}""");
        var (kernel, search) = await CreateAsync(server);
        kernel.Plugins.Add(search.CreateWithGetTextSearchResults("handbook"));

        var settings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        string answer = (await kernel.InvokePromptAsync("When will my refund show up?", new KernelArguments(settings))).ToString();

        Assert.StartsWith(LoopbackAgentScript.AnswerPrefix, answer, StringComparison.Ordinal);
        Assert.Equal(2, CountOccurrences(answer, "Refunds go back"));
        Assert.Contains("https://example.test/handbook/", answer, StringComparison.Ordinal);
        Assert.True(server.ChatLog.Count(r => r.Judge is not null) >= 5);
    }

    private static async Task<LoopbackOpenAIServer> StartAsync()
    {
        var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = RefundDocuments.Labels;
        return server;
    }

    private static async Task<(Kernel Kernel, RefinedTextSearch<Passage> Search)> CreateAsync(LoopbackOpenAIServer server)
    {
        var kernel = LoopbackKernel.CreateBuilder(server).Build();
        var collection = await Passage.CollectionAsync();
        var refined = new RefinedVectorSearch<Passage>(collection, new HashedEmbeddingGenerator(), new KernelChatJudge(kernel), new RefinedVectorSearchOptions<Passage> { TextPropertyName = nameof(Passage.Text) });
        return (kernel, new RefinedTextSearch<Passage>(refined));
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
