using System.Text.Json;
using RefineMemory.Testing;

namespace RefineMemory.Packages.Tests;

/// <summary>
/// The README's Semantic Kernel example as a consumer builds it: tests/consumer/SemanticKernelConsumer copied out of the
/// repository, the packages added with the README's commands, restored from artifacts/packages (ours) and the registry
/// (the rest), built and run against the loopback OpenAI server. A dependency missing from a package's nuspec, or a
/// file that exists only in the repository, fails here.
/// </summary>
public sealed class ConsumerProgramTests : IDisposable
{
    private static readonly string[] Packages = ["RefineMemory.SemanticKernel", "RefineMemory.Sqlite", "RefineMemory.Onnx"];

    private static readonly string Source = Path.Combine(RepoPaths.Root, "tests", "consumer", "SemanticKernelConsumer");

    private readonly string _dir = Directory.CreateTempSubdirectory("refine-consumer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_readme_example_builds_from_the_packages_alone_and_answers_with_refined_results()
    {
        string packed = PackedFolder.Require(Packages);
        string project = Path.Combine(_dir, "consumer");
        Directory.CreateDirectory(project);
        foreach (string file in new[] { "SemanticKernelConsumer.csproj", "Program.cs" })
        {
            File.Copy(Path.Combine(Source, file), Path.Combine(project, file));
        }

        // Our packages from the packed folder; every other from the machine's registry (its own NuGet.Config).
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="refinememory-packed" value="{packed}" />
              </packageSources>
            </configuration>
            """);
        var nuget = Restore.IsolatedCache(_dir);
        foreach (string id in Packages)
        {
            await ChildProcess.RunAsync(ChildProcess.Start("dotnet", project, nuget, "add", "package", id, "--version", PackedFolder.Version, "--no-restore"), TimeSpan.FromMinutes(1));
        }

        string bin = Path.Combine(_dir, "bin");
        await ChildProcess.RunAsync(ChildProcess.Start("dotnet", project, nuget, "build", "-c", "Release", "--nologo", "-v", "quiet", "-o", bin), TimeSpan.FromMinutes(8));
        Assert.True(Directory.Exists(Path.Combine(_dir, "nuget", "refinememory.semantickernel", PackedFolder.Version)), "RefineMemory.SemanticKernel was restored from the packed folder into the isolated cache");
        Assert.False(File.Exists(Path.Combine(bin, "Npgsql.dll")), "the SK plugin with SQLite and ONNX must not pull PostgreSQL");

        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Labels = RefundDocuments.Labels;
        server.Script = LoopbackAgentScript.CallToolThenAnswer("search", """{"query":"refund not showing up","top":3}""");
        string output = await ChildProcess.RunAsync(ChildProcess.Start("dotnet", _dir, nuget, Path.Combine(bin, "SemanticKernelConsumer.dll"), server.BaseUri.ToString()), TimeSpan.FromMinutes(3));

        string answer = output.Trim();
        Assert.StartsWith(LoopbackAgentScript.AnswerPrefix, answer, StringComparison.Ordinal);
        using var result = JsonDocument.Parse(answer[LoopbackAgentScript.AnswerPrefix.Length..]);
        Assert.True(result.RootElement.GetProperty("refined").GetBoolean(), answer);
        var hits = result.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, hits.Count);
        Assert.All(hits, h => Assert.StartsWith("Refunds go back", h.GetProperty("text").GetString(), StringComparison.Ordinal));
        Assert.Equal(12, server.ChatLog.Count(r => r.Judge is not null && r.LogprobsRequested));
    }

    [Fact]
    public void The_readme_shows_the_commands_and_the_code_this_test_runs()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        foreach (string id in Packages)
        {
            Assert.Contains($"dotnet add package {id} --version {PackedFolder.Version}", readme, StringComparison.Ordinal);
        }

        string[] program = File.ReadAllLines(Path.Combine(Source, "Program.cs"));
        int begin = Array.FindIndex(program, l => l.Contains("README snippet: begin", StringComparison.Ordinal));
        int end = Array.FindIndex(program, l => l.Contains("README snippet: end", StringComparison.Ordinal));
        Assert.True(begin >= 0 && end > begin + 1, "Program.cs marks the README snippet");
        foreach (string line in program[(begin + 1)..end].Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            Assert.Contains(line, readme, StringComparison.Ordinal);
        }
    }
}
