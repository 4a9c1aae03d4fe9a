using System.Diagnostics;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary>The built <c>refine</c> CLI as a child process, with the model endpoints pointed at a loopback server.</summary>
internal static class RefineProcess
{
    private static string DllPath => BuiltProgram.DllPath(Path.Combine("src", "RefineMemory.Cli"), "refine");

    public static Process Start(Uri loopback, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(DllPath);
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["REFINE_CHAT_ENDPOINT"] = loopback.ToString();
        info.Environment["REFINE_CHAT_MODEL"] = "loopback-judge";
        info.Environment["REFINE_CHAT_API_KEY"] = "test-key";
        info.Environment["REFINE_EMBEDDING_ENDPOINT"] = loopback.ToString();
        info.Environment["REFINE_EMBEDDING_MODEL"] = "loopback-embedding";
        info.Environment["REFINE_MEMORY_DB"] = null;
        return Process.Start(info)!;
    }

    public static async Task<(int Code, string Out, string Err)> RunAsync(Uri loopback, params string[] arguments)
    {
        using var process = Start(loopback, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout, await stderr);
    }
}
