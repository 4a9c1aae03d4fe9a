using System.Diagnostics;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>Where the built <c>refine</c> CLI is, and the environment that points it at a loopback model server.</summary>
internal static class RefineCli
{
    public static string DllPath => BuiltProgram.DllPath(Path.Combine("src", "RefineMemory.Cli"), "refine");

    public static Dictionary<string, string?> LoopbackEnvironment(Uri baseUri) => new()
    {
        ["REFINE_CHAT_ENDPOINT"] = baseUri.ToString(),
        ["REFINE_CHAT_MODEL"] = "loopback-judge",
        ["REFINE_CHAT_API_KEY"] = "test-key",
        ["REFINE_EMBEDDING_ENDPOINT"] = baseUri.ToString(),
        ["REFINE_EMBEDDING_MODEL"] = "loopback-embedding",
        ["REFINE_MEMORY_DB"] = null,
    };

    public static Process Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(DllPath);
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }

        return Process.Start(info)!;
    }

    /// <summary>Runs <c>refine</c> to its end (at most two minutes) and returns its exit code and output.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        using var process = Start(environment, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }
}
