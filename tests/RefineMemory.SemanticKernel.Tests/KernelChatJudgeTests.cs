using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using RefineMemory.Judge;
using RefineMemory.SemanticKernel.Judge;
using RefineMemory.Testing;

namespace RefineMemory.SemanticKernel.Tests;

/// <summary>The kernel's chat model as judge, through SK's own OpenAI connector against the loopback server.</summary>
public sealed class KernelChatJudgeTests
{
    private static readonly JudgeRequest Request = new("refund not showing up",
    [
        new JudgeDocument("a", "Refunds go back to the original card within five business days."),
        new JudgeDocument("b", "Our store opens at nine and sells garden furniture."),
        new JudgeDocument("c", "A pending refund shows as a credit on the statement."),
    ]);

    [Theory]
    [InlineData(false, "the kernel's IChatClient")]
    [InlineData(true, "the kernel's IChatCompletionService")]
    public async Task Yes_no_logprobs_come_back_through_the_kernels_connector(bool chatCompletionService, string source)
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = RefundDocuments.Labels;
        var kernel = LoopbackKernel.CreateBuilder(server, chatCompletionService).Build();

        var result = await new KernelChatJudge(kernel).JudgeAsync(Request);

        Assert.All(server.ChatLog, r => Assert.True(r.LogprobsRequested));
        double relevant = LoopbackOpenAIServer.ExpectedYesNoScore(server.RelevantYesMass);
        double irrelevant = LoopbackOpenAIServer.ExpectedYesNoScore(server.IrrelevantYesMass);
        Assert.Equal([relevant, irrelevant, relevant], result.Judgments.Select(j => (double)j.Score!.Value), new ToleranceComparer(1e-4));
        Assert.StartsWith("yes/no logprobs; " + source, result.Diagnostics.Method, StringComparison.Ordinal);
        Assert.Equal(0, result.Diagnostics.VerbalizedFallbacks);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Batched_judging_reads_each_documents_logprobs_through_the_kernels_connector_in_one_call(bool chatCompletionService)
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = RefundDocuments.Labels;
        var kernel = LoopbackKernel.CreateBuilder(server, chatCompletionService).Build();

        var result = await new KernelChatJudge(kernel, new ChatRelevanceJudgeOptions { BatchSize = 3 }).JudgeAsync(Request);

        var call = Assert.Single(server.ChatLog);
        Assert.True(call.LogprobsRequested);
        Assert.Equal(3, call.Batch!.Documents.Count);
        double relevant = LoopbackOpenAIServer.ExpectedYesNoScore(server.RelevantYesMass);
        double irrelevant = LoopbackOpenAIServer.ExpectedYesNoScore(server.IrrelevantYesMass);
        Assert.Equal([relevant, irrelevant, relevant], result.Judgments.Select(j => (double)j.Score!.Value), new ToleranceComparer(1e-4));
        Assert.Equal((3, 1), (result.Diagnostics.Judged, result.Diagnostics.Calls));
        Assert.StartsWith("yes/no logprobs, up to 3 documents per call; the kernel's", result.Diagnostics.Method, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_logprobs_the_judge_falls_back_to_verbalized_ratings_and_says_so()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = RefundDocuments.Labels;
        server.Faults = r => r.LogprobsRequested ? LoopbackFault.NoLogprobs() : null;
        var kernel = LoopbackKernel.CreateBuilder(server).Build();

        var result = await new KernelChatJudge(kernel).JudgeAsync(Request);

        Assert.Equal([0.9f, 0.1f, 0.9f], result.Judgments.Select(j => j.Score!.Value));
        Assert.StartsWith("verbalized 0-100 ratings", result.Diagnostics.Method, StringComparison.Ordinal);
        Assert.True(result.Diagnostics.VerbalizedFallbacks > 0);
    }

    [Fact]
    public async Task The_chat_client_is_preferred_and_resolved_on_every_call()
    {
        await using var first = await LoopbackOpenAIServer.StartAsync();
        await using var second = await LoopbackOpenAIServer.StartAsync();
        first.Labels = second.Labels = RefundDocuments.Labels;
        var builder = LoopbackKernel.CreateBuilder(second, chatCompletionService: true);
        var current = new SwitchableChatClient(new global::OpenAI.OpenAIClient(new System.ClientModel.ApiKeyCredential("k"), new global::OpenAI.OpenAIClientOptions { Endpoint = first.BaseUri }).GetChatClient("m").AsIChatClient());
        builder.Services.AddTransient<IChatClient>(_ => current.Next());
        var judge = new KernelChatJudge(builder.Build());

        var viaClient = await judge.JudgeAsync(Request);
        await judge.JudgeAsync(Request);

        Assert.Equal(2, current.Resolutions);
        Assert.Equal(6, first.ChatRequests);
        Assert.Equal(0, second.ChatRequests);
        Assert.Contains("IChatClient", viaClient.Diagnostics.Method, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kernel_without_a_chat_model_is_a_clear_error()
    {
        var judge = new KernelChatJudge(Kernel.CreateBuilder().Build());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => judge.JudgeAsync(Request));

        Assert.Contains("register an IChatClient or IChatCompletionService", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_judge_options_fail_at_construction()
    {
        var kernel = Kernel.CreateBuilder().Build();

        Assert.Throws<ArgumentOutOfRangeException>(() => new KernelChatJudge(kernel, new ChatRelevanceJudgeOptions { MaxParallelism = 0 }));
    }

    [Fact]
    public async Task A_judge_call_never_offers_tools_even_when_the_caller_passes_them()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        var kernel = LoopbackKernel.CreateBuilder(server).Build();
        var client = new JudgeOnlyChatClient(kernel.GetRequiredService<IChatClient>(), viaChatCompletionService: false);
        var tool = AIFunctionFactory.Create(() => "never", "memory_search");

        await client.GetResponseAsync("hello", new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny });

        var body = Assert.Single(server.ChatBodies);
        Assert.False(body.TryGetProperty("tools", out _));
        Assert.False(body.TryGetProperty("tool_choice", out _));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }

    private sealed class SwitchableChatClient(IChatClient client)
    {
        public int Resolutions { get; private set; }

        public IChatClient Next()
        {
            Resolutions++;
            return client;
        }
    }
}
