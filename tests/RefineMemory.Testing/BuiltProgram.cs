using System.Diagnostics;
using System.Text.Json;

namespace RefineMemory.Testing;

/// <summary>
/// Runs a program of this repository as users run it: the built dll of a project (built by the test project through a
/// <c>ReferenceOutputAssembly="false"</c> reference), in a child process, with its own environment.
/// </summary>
public static class BuiltProgram
{
    /// <summary>Environment variables cleared for every child, so the machine's settings cannot leak into a test.</summary>
    public static readonly string[] ModelVariables =
        ["REFINE_CHAT_ENDPOINT", "REFINE_CHAT_MODEL", "REFINE_CHAT_API_KEY", "OPENAI_API_KEY", "REFINE_EMBEDDING_ENDPOINT", "REFINE_EMBEDDING_MODEL", "REFINE_EMBEDDING_API_KEY", "REFINE_MEMORY_DB"];

    /// <summary>The built <paramref name="assemblyName"/>.dll of the project in <paramref name="projectFolder"/> (relative to the repository root), same configuration as the calling test.</summary>
    public static string DllPath(string projectFolder, string assemblyName)
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        string path = Path.Combine(RepoPaths.Root, projectFolder, "bin", configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"'{path}' is not built (the test project builds it through its ProjectReference).", path);
    }

    /// <summary>Runs <paramref name="dll"/> with <paramref name="arguments"/>; the model variables are cleared, then <paramref name="environment"/> applied.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string dll, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(dll, environment, arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(' ', arguments)} ran longer than {timeout}; stderr so far: {await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>
    /// How to start <paramref name="dll"/> with <paramref name="arguments"/> under <c>dotnet</c>, stdout and stderr
    /// redirected: the model variables are cleared, then <paramref name="environment"/> applied (a null value removes one).
    /// </summary>
    public static ProcessStartInfo StartInfo(string dll, IReadOnlyDictionary<string, string?> environment, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (string v in ModelVariables)
        {
            info.Environment.Remove(v);
        }

        foreach (var (k, v) in environment)
        {
            if (v is null)
            {
                info.Environment.Remove(k);
            }
            else
            {
                info.Environment[k] = v;
            }
        }

        return info;
    }

    /// <summary>Writes <see cref="RefundDocuments.All"/> as a JSONL file and stores it with <c>refine ingest</c> into a new memory at <paramref name="database"/>.</summary>
    public static async Task IngestRefundDocumentsAsync(string database, string collection)
    {
        string file = Path.Combine(Path.GetDirectoryName(database)!, "refunds.jsonl");
        await File.WriteAllLinesAsync(file, RefundDocuments.All.Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text })));
        var (code, _, error) = await RunAsync(DllPath(Path.Combine("src", "RefineMemory.Cli"), "refine"), new Dictionary<string, string?>(), TimeSpan.FromMinutes(3), "ingest", file, "--collection", collection, "--db", database);
        if (code != 0)
        {
            throw new InvalidOperationException($"refine ingest exited {code}: {error}");
        }
    }
}
