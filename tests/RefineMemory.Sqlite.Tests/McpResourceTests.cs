using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// A long-running <c>refine mcp</c> returns what it takes: over 1,000 refined searches its resident memory after the
/// first 100 and after all 1,000 differ by under 10 %, and its open file descriptors do not grow (see <see cref="Soak"/>
/// for why the server runs with tiered compilation off here).
/// </summary>
public sealed class McpResourceTests
{
    [Fact]
    public async Task A_thousand_refined_searches_leave_resident_memory_within_10_percent_and_file_descriptors_flat()
    {
        using var db = new TempDatabase();
        await using var models = await LoopbackOpenAIServer.StartAsync();
        models.Embed = text => LoopbackOpenAIServer.HashedEmbedding(text, 64);
        models.Labels = RefundDocuments.Labels;
        await using var mcp = await McpStdioProcess.StartAsync(RefineCli.DllPath, Soak.Environment(RefineCli.LoopbackEnvironment(models.BaseUri)),
            "mcp", "--db", db.Path, "--collection", "docs", "--embedder", "openai");
        await mcp.CallToolAsync("ingest", new { documents = RefundDocuments.ForIngest() });

        var samples = await Soak.RunAsync(mcp, i => new { query = $"refund question {i}", top = 3 });
        Soak.AssertFlat(samples);
        Assert.Equal(1000 * RefundDocuments.All.Count, models.ChatRequests); // every search was refined
    }
}
