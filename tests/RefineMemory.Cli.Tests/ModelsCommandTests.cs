using RefineMemory.Testing;

namespace RefineMemory.Cli.Tests;

/// <summary><c>refine models pull</c> end to end: a real download over HTTP from a loopback server in the Hugging Face layout.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("refine-models-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    [Fact]
    public async Task Pull_downloads_a_model_that_refine_embed_then_runs()
    {
        await using var server = await LoopbackHuggingFaceServer.StartAsync();
        string fixture = Path.Combine(RepoPaths.Fixtures, "onnx", "tiny-embedder");
        const string repo = "sentence-transformers/all-MiniLM-L6-v2";
        server.AddFile(repo, "onnx/model.onnx", await File.ReadAllBytesAsync(Path.Combine(fixture, "model.onnx")), lfs: true);
        server.AddFile(repo, "vocab.txt", await File.ReadAllBytesAsync(Path.Combine(fixture, "vocab.txt")), lfs: false);

        var (code, _, stderr) = await CliProcess.RunAsync("models", "pull", "all-MiniLM-L6-v2", "--base-url", server.BaseAddress.ToString(), "--cache", _cache);
        Assert.True(code == 0, stderr);

        string modelDir = Directory.GetFiles(_cache, "model.onnx", SearchOption.AllDirectories).Single();
        modelDir = Path.GetDirectoryName(modelDir)!;
        Assert.True(File.Exists(Path.Combine(modelDir, "vocab.txt")));

        string texts = Path.Combine(_cache, "texts.txt");
        await File.WriteAllTextAsync(texts, "refund not showing up\n");
        var (embedCode, stdout, embedErr) = await CliProcess.RunAsync("embed", "--model", "onnx:" + modelDir, "--input", texts);
        Assert.True(embedCode == 0, embedErr);
        Assert.StartsWith("[", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_lines_naming_a_cache_folder_with_terminal_escapes_are_cleaned()
    {
        await using var server = await LoopbackHuggingFaceServer.StartAsync();
        string fixture = Path.Combine(RepoPaths.Fixtures, "onnx", "tiny-embedder");
        const string repo = "sentence-transformers/all-MiniLM-L6-v2";
        server.AddFile(repo, "onnx/model.onnx", await File.ReadAllBytesAsync(Path.Combine(fixture, "model.onnx")), lfs: true);
        server.AddFile(repo, "vocab.txt", await File.ReadAllBytesAsync(Path.Combine(fixture, "vocab.txt")), lfs: false);
        string cache = Path.Combine(_cache, "c\u001b]0;PWNED\u0007");

        var (code, stdout, stderr) = await CliProcess.RunAsync("models", "pull", "all-MiniLM-L6-v2", "--base-url", server.BaseAddress.ToString(), "--cache", cache);

        Assert.True(code == 0, stderr);
        Assert.Contains("model folder: ", stdout, StringComparison.Ordinal);
        Assert.Contains("c ]0;PWNED ", stdout, StringComparison.Ordinal); // before: the ESC and BEL reached the terminal raw
        Assert.DoesNotContain('\u001b', stdout + stderr);
        Assert.DoesNotContain('\u0007', stdout + stderr);
    }

    [Fact]
    public async Task Unknown_model_and_unreachable_server_exit_2_with_a_clear_line()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("models", "pull", "no-such-model", "--cache", _cache);
        Assert.Equal(2, code);
        Assert.Contains("Unknown model 'no-such-model'", stderr, StringComparison.Ordinal);

        var (code2, _, stderr2) = await CliProcess.RunAsync("models", "pull", "all-MiniLM-L6-v2", "--base-url", "http://127.0.0.1:9/", "--cache", _cache);
        Assert.Equal(2, code2);
        Assert.Contains("127.0.0.1:9", stderr2, StringComparison.Ordinal);
    }
}
