using RefineMemory.Testing;

namespace RefineMemory.SemanticKernel.Tests;

/// <summary>
/// samples/SemanticKernelAgent run as users run it, over the memory that <c>refine ingest</c> wrote, with the chat model
/// given by REFINE_CHAT_* pointing at the loopback server.
/// </summary>
public sealed class SampleTests : IDisposable
{
    private static readonly string Sample = Path.Combine("samples", "SemanticKernelAgent");
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-sk-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public Task The_sample_answers_with_results_refined_by_its_own_model() => AgentSampleRun.AnswersWithRefinedResultsAsync(Sample, "SemanticKernelAgent", _dir);

    [Theory]
    [InlineData("")]
    [InlineData("http://127.0.0.1:9/v1")]
    public async Task A_missing_or_unreachable_model_endpoint_exits_3_with_one_line(string endpoint)
    {
        string db = Path.Combine(_dir, "memory.db");
        await File.WriteAllBytesAsync(db, []);

        var (code, output, error) = await BuiltProgram.RunAsync(BuiltProgram.DllPath(Sample, "SemanticKernelAgent"), AgentSampleRun.ChatModel(endpoint), TimeSpan.FromMinutes(3), "--db", db, "--collection", "docs", "anything");

        Assert.Equal(3, code);
        Assert.Empty(output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("SemanticKernelAgent: ", line, StringComparison.Ordinal);
        Assert.Contains(endpoint.Length == 0 ? "REFINE_CHAT" : "127.0.0.1:9", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_memory_exits_2_naming_it()
    {
        var (code, _, error) = await BuiltProgram.RunAsync(BuiltProgram.DllPath(Sample, "SemanticKernelAgent"), AgentSampleRun.ChatModel("http://127.0.0.1:9/v1"), TimeSpan.FromMinutes(1), "--db", Path.Combine(_dir, "none.db"), "--collection", "docs", "anything");

        Assert.Equal(2, code);
        Assert.Contains("none.db", error, StringComparison.Ordinal);
    }
}
