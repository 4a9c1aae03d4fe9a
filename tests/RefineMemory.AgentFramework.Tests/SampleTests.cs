using System.Text.Json;
using RefineMemory.Testing;

namespace RefineMemory.AgentFramework.Tests;

/// <summary>samples/AgentFrameworkAgent run as users run it, over the memory <c>refine ingest</c> wrote, against the loopback server.</summary>
public sealed class SampleTests : IDisposable
{
    private static readonly string Sample = Path.Combine("samples", "AgentFrameworkAgent");
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-maf-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_sample_agent_answers_with_refined_results()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = RefundDocuments.Labels;
        server.Script = LoopbackAgentScript.CallToolThenAnswer("search", """{"query":"refund not showing up","top":3}""");
        string db = Path.Combine(_dir, "memory.db");
        await BuiltProgram.IngestRefundDocumentsAsync(db, "docs");

        var (code, output, error) = await BuiltProgram.RunAsync(BuiltProgram.DllPath(Sample, "AgentFrameworkAgent"), Model(server.BaseUri.ToString()), TimeSpan.FromMinutes(3), "--db", db, "--collection", "docs", "When will my refund show up?");

        Assert.True(code == 0, error);
        Assert.True(output.StartsWith(LoopbackAgentScript.AnswerPrefix + "{", StringComparison.Ordinal), "the answer should quote the search result: " + output);
        using var result = JsonDocument.Parse(output[LoopbackAgentScript.AnswerPrefix.Length..]);
        Assert.True(result.RootElement.GetProperty("refined").GetBoolean());
        Assert.All(result.RootElement.GetProperty("results").EnumerateArray(), r => Assert.StartsWith("Refunds go back", r.GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.Equal(12, server.ChatLog.Count(r => r.Judge is not null && r.LogprobsRequested));
    }

    [Fact]
    public async Task An_unreachable_model_endpoint_exits_3_with_one_line()
    {
        string db = Path.Combine(_dir, "memory.db");
        await File.WriteAllBytesAsync(db, []);

        var (code, output, error) = await BuiltProgram.RunAsync(BuiltProgram.DllPath(Sample, "AgentFrameworkAgent"), Model("http://127.0.0.1:9/v1"), TimeSpan.FromMinutes(3), "--db", db, "--collection", "docs", "anything");

        Assert.Equal(3, code);
        Assert.Empty(output);
        Assert.Contains("127.0.0.1:9", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Model(string endpoint) =>
        new() { ["REFINE_CHAT_ENDPOINT"] = endpoint, ["REFINE_CHAT_MODEL"] = "loopback-model", ["REFINE_CHAT_API_KEY"] = "test-key" };
}
