using RefineMemory.Testing;

namespace RefineMemory.AgentFramework.Tests;

/// <summary>samples/AgentFrameworkAgent run as users run it, over the memory <c>refine ingest</c> wrote, against the loopback server.</summary>
public sealed class SampleTests : IDisposable
{
    private static readonly string Sample = Path.Combine("samples", "AgentFrameworkAgent");
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-maf-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public Task The_sample_agent_answers_with_refined_results() => AgentSampleRun.AnswersWithRefinedResultsAsync(Sample, "AgentFrameworkAgent", _dir);

    [Fact]
    public async Task An_unreachable_model_endpoint_exits_3_with_one_line()
    {
        string db = Path.Combine(_dir, "memory.db");
        await File.WriteAllBytesAsync(db, []);

        var (code, output, error) = await BuiltProgram.RunAsync(BuiltProgram.DllPath(Sample, "AgentFrameworkAgent"), AgentSampleRun.ChatModel("http://127.0.0.1:9/v1"), TimeSpan.FromMinutes(3), "--db", db, "--collection", "docs", "anything");

        Assert.Equal(3, code);
        Assert.Empty(output);
        Assert.Contains("127.0.0.1:9", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
