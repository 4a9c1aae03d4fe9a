namespace RefineMemory.Cli.Tests;

/// <summary>A model endpoint that cannot be reached is one clear line naming it, exit code 3, and nothing stored.</summary>
public sealed class EndpointErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refine-endpoint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Ingest_with_an_unreachable_embedding_endpoint_names_it_and_exits_3()
    {
        string doc = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(doc, "Refunds go back to the original card within five business days.");
        var environment = new Dictionary<string, string>
        {
            ["REFINE_EMBEDDING_ENDPOINT"] = "http://127.0.0.1:9/v1",
            ["REFINE_EMBEDDING_MODEL"] = "text-embedding-3-small",
            ["REFINE_EMBEDDING_API_KEY"] = "unused",
        };

        var (code, _, stderr) = await CliProcess.RunWithEnvironmentAsync(
            "", environment, "ingest", doc, "--collection", "notes", "--db", Path.Combine(_dir, "memory.db"), "--embedder", "openai");

        Assert.True(code == 3, $"exit {code}: {stderr}");
        Assert.Contains("127.0.0.1:9", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", stderr, StringComparison.Ordinal);
    }
}
