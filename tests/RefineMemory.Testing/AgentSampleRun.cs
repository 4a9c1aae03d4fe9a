using System.Text.Json;
using Xunit;

namespace RefineMemory.Testing;

/// <summary>
/// What every agent sample (Semantic Kernel, Agent Framework) must do when run as users run it: over the memory
/// <c>refine ingest</c> wrote, with its chat model given by REFINE_CHAT_* pointing at the loopback server, call the
/// search tool, have the search refined by that same model as judge (logprobs asked for), and quote the result.
/// </summary>
public static class AgentSampleRun
{
    /// <summary>REFINE_CHAT_* for <paramref name="endpoint"/>; none at all for an empty endpoint.</summary>
    public static Dictionary<string, string?> ChatModel(string endpoint) => endpoint.Length == 0
        ? []
        : new() { ["REFINE_CHAT_ENDPOINT"] = endpoint, ["REFINE_CHAT_MODEL"] = "loopback-model", ["REFINE_CHAT_API_KEY"] = "test-key" };

    /// <summary>Runs the sample built from <paramref name="projectFolder"/> on the refund documents and checks its answer.</summary>
    public static async Task AnswersWithRefinedResultsAsync(string projectFolder, string assemblyName, string workFolder)
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = RefundDocuments.Labels;
        server.Script = LoopbackAgentScript.CallToolThenAnswer("search", """{"query":"refund not showing up","top":3}""");
        string db = Path.Combine(workFolder, "memory.db");
        await BuiltProgram.IngestRefundDocumentsAsync(db, "docs");

        var (code, output, error) = await BuiltProgram.RunAsync(BuiltProgram.DllPath(projectFolder, assemblyName), ChatModel(server.BaseUri.ToString()), TimeSpan.FromMinutes(3), "--db", db, "--collection", "docs", "When will my refund show up?");

        Assert.True(code == 0, error);
        Assert.True(output.StartsWith(LoopbackAgentScript.AnswerPrefix + "{", StringComparison.Ordinal), "the answer should quote the search result: " + output);
        using var result = JsonDocument.Parse(output[LoopbackAgentScript.AnswerPrefix.Length..]);
        Assert.True(result.RootElement.GetProperty("refined").GetBoolean());
        Assert.All(result.RootElement.GetProperty("results").EnumerateArray(), r => Assert.StartsWith("Refunds go back", r.GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.Equal(12, server.ChatLog.Count(r => r.Judge is not null && r.LogprobsRequested));
    }
}
