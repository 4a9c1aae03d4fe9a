using System.Xml.Linq;
using RefineMemory.OpenAI;
using RefineMemory.Samples;
using RefineMemory.Search;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>The code the notebooks and the RAG sample run, on the CLINC150 slice.</summary>
public sealed class SamplesTests : IClassFixture<ClincFixture>
{
    private readonly ClincFixture _clinc;

    public SamplesTests(ClincFixture clinc) => _clinc = clinc;

    [Fact]
    public async Task The_walkthrough_reports_ap_before_and_after_and_draws_valid_charts()
    {
        using var store = _clinc.Reopen();
        var search = new RefinedSearch(store, _clinc.Embedder, _clinc.Data.GoldJudge());
        string intent = _clinc.Data.Descriptions.Keys.Order(StringComparer.Ordinal).First();
        var w = await RefinementWalkthrough.RunAsync(search, _clinc.Data, "clinc", intent);

        Assert.Equal(1000, w.Search.Hits.Count);
        Assert.True(w.Search.Diagnostics.Refined);
        Assert.InRange(w.AveragePrecisionBefore, 0.01, 1);
        Assert.InRange(w.AveragePrecisionAfter, 0.01, 1);
        Assert.NotEqual(w.AveragePrecisionBefore, w.AveragePrecisionAfter);
        var loss = XElement.Parse(w.LossChart());
        Assert.Equal("svg", loss.Name.LocalName);
        Assert.Single(loss.Elements(), e => e.Name.LocalName == "path");
        var scatter = XElement.Parse(w.CosineChart());
        Assert.Equal(20, scatter.Elements().Count(e => e.Name.LocalName == "circle"));
    }

    [Fact]
    public async Task The_rag_chat_numbers_refined_passages_in_the_prompt_and_returns_the_models_answer()
    {
        var intentOfText = _clinc.Data.Utterances.GroupBy(u => u.Text).ToDictionary(g => g.Key, g => g.First().Intent, StringComparer.Ordinal);
        await using var server = await LoopbackOpenAIServer.StartAsync();
        string question = _clinc.Data.Descriptions.First().Value;
        server.Labels = (_, text) => intentOfText.TryGetValue(text, out var i) ? i == _clinc.Data.Descriptions.First().Key : null;
        server.Completion = prompt => "Per [1] and [2]: " + prompt.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var chat = new OpenAICompatibleChatClient(new ChatModelSettings(server.BaseUri, "loopback"));
        using var store = _clinc.Reopen();
        var search = new RefinedSearch(store, _clinc.Embedder, new Judge.ChatRelevanceJudge(chat));
        var answer = await new RagChat(search, chat, "clinc").AskAsync(question, passages: 3);

        Assert.Equal(3, answer.Passages.Count);
        Assert.True(answer.Diagnostics.Refined);
        string prompt = RagChat.BuildPrompt(question, answer.Passages);
        Assert.Equal("Per [1] and [2]: " + prompt.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Answer);
        Assert.Contains("[3] (clinc150/train) " + answer.Passages[2].Text, prompt, StringComparison.Ordinal);
        Assert.Equal(prompt, server.ChatLog[^1].Prompt);
    }
}
