using RefineMemory.Judge;
using RefineMemory.OpenAI;
using RefineMemory.Testing;

namespace RefineMemory.OpenAI.Tests;

/// <summary>A loopback server with gold labels and a judge talking to it through the OpenAI-compatible client.</summary>
internal static class JudgeTestKit
{
    public const string Query = "how do I reset my password";

    public static readonly double Relevant = LoopbackOpenAIServer.ExpectedYesNoScore(0.9);
    public static readonly double Irrelevant = LoopbackOpenAIServer.ExpectedYesNoScore(0.1);

    /// <summary>Documents "rel-i" are relevant, "irr-i" irrelevant, "unk-i" unlabelled; text = "text of ID".</summary>
    public static JudgeDocument[] Documents(int relevant, int irrelevant, int unlabelled = 0) =>
        Enumerable.Range(0, relevant).Select(i => Doc($"rel-{i}"))
            .Concat(Enumerable.Range(0, irrelevant).Select(i => Doc($"irr-{i}")))
            .Concat(Enumerable.Range(0, unlabelled).Select(i => Doc($"unk-{i}")))
            .ToArray();

    public static JudgeDocument Doc(string id) => new(id, "text of " + id);

    public static string IdOf(string documentText) => documentText["text of ".Length..];

    public static async Task<LoopbackOpenAIServer> StartAsync()
    {
        var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = (_, text) => IdOf(text) switch
        {
            var id when id.StartsWith("rel", StringComparison.Ordinal) => true,
            var id when id.StartsWith("irr", StringComparison.Ordinal) => false,
            _ => null,
        };
        return server;
    }

    public static OpenAICompatibleChatClient Client(LoopbackOpenAIServer server, string? key = "test-key") =>
        new(new ChatModelSettings(server.BaseUri, "judge-model", key));

    public static ChatRelevanceJudgeOptions FastOptions(ChatJudgeMode mode = ChatJudgeMode.Auto) => new()
    {
        Mode = mode,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        CallTimeout = TimeSpan.FromSeconds(10),
        Seed = 7,
    };

    public static ChatRelevanceJudge NewJudge(LoopbackOpenAIServer server, ChatRelevanceJudgeOptions? options = null) =>
        new(Client(server), options ?? FastOptions());

    public static Dictionary<string, RelevanceJudgment> ById(JudgeResult result) => result.Judgments.ToDictionary(j => j.DocumentId);
}
