using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using RefineMemory.Judge;
using RefineMemory.Testing;
using static RefineMemory.OpenAI.Tests.JudgeTestKit;

namespace RefineMemory.OpenAI.Tests;

/// <summary>
/// The judge gets logprobs from any Microsoft.Extensions.AI.OpenAI chat client, not only from ours: a plain
/// <c>OpenAIClient.GetChatClient(model).AsIChatClient()</c> (what Semantic Kernel's <c>AddOpenAIChatClient</c> registers)
/// and a function-invoking pipeline over our client (an agent's chat client reused as judge).
/// </summary>
public sealed class UnwrappedClientJudgeTests
{
    [Theory]
    [InlineData(5)]
    [InlineData(3)]
    public async Task A_plain_library_client_that_we_never_wrapped_is_asked_for_logprobs_and_scored_from_them(int top)
    {
        // The server answers top_logprobs alternatives; with all 5 the judge's score is exactly the expected one.
        await using var server = await StartAsync();
        using IChatClient plain = new OpenAIClient(new ApiKeyCredential("plain-key"), new OpenAIClientOptions { Endpoint = server.BaseUri })
            .GetChatClient("plain-model").AsIChatClient();
        var options = FastOptions(ChatJudgeMode.YesNoLogprobs);
        options.TopLogprobs = top;
        var docs = Documents(relevant: 2, irrelevant: 3);

        var result = await new ChatRelevanceJudge(plain, options).JudgeAsync(new JudgeRequest(Query, docs));

        Assert.All(result.Judgments, j =>
        {
            bool relevant = j.DocumentId.StartsWith("rel", StringComparison.Ordinal);
            if (top == 5)
            {
                Assert.Equal(relevant ? Relevant : Irrelevant, j.Score!.Value, 4);
            }
            else
            {
                Assert.True(relevant ? j.Score > 0.5 : j.Score < 0.5, $"{j.DocumentId}: {j.Score}");
            }
        });
        Assert.Equal(5, server.ChatLog.Count);
        Assert.All(server.ChatLog, r =>
        {
            Assert.True(r.LogprobsRequested);
            Assert.Equal((top, "plain-model", false), (r.TopLogprobs!.Value, r.Model, r.Judge!.Value.IsVerbalized));
        });
    }

    [Fact]
    public async Task An_agents_function_invoking_client_reused_as_judge_still_sends_no_tools_and_gets_logprobs()
    {
        await using var server = await StartAsync();
        using var agent = Client(server).AsBuilder().UseFunctionInvocation().Build();

        var result = await new ChatRelevanceJudge(agent, FastOptions(ChatJudgeMode.YesNoLogprobs)).JudgeAsync(new JudgeRequest(Query, Documents(relevant: 1, irrelevant: 1)));

        Assert.Equal(Relevant, result.Judgments[0].Score!.Value, 4);
        Assert.Equal(Irrelevant, result.Judgments[1].Score!.Value, 4);
        Assert.All(server.ChatBodies, b => Assert.False(b.TryGetProperty("tools", out _)));
        Assert.All(server.ChatLog, r => Assert.Equal(5, r.TopLogprobs));
    }
}
