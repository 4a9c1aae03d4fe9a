using System.Diagnostics;
using System.Text;

namespace RefineMemory.Packages.Tests;

/// <summary>Runs a command to completion (the dotnet CLI, the consumer) with the machine's model settings cleared.</summary>
internal static class ChildProcess
{
    private static readonly string[] Cleared =
        ["REFINE_CHAT_ENDPOINT", "REFINE_CHAT_MODEL", "REFINE_CHAT_API_KEY", "OPENAI_API_KEY", "REFINE_EMBEDDING_ENDPOINT", "REFINE_EMBEDDING_MODEL",
         "REFINE_EMBEDDING_API_KEY", "REFINE_MEMORY_DB", "REFINE_SHARED_DIR", "REFINE_USE_LITE_DIR", "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH"];

    public static ProcessStartInfo Start(string file, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        // The test host runs under `dotnet test`, whose MSBuild variables would steer a nested `dotnet build`.
        foreach (string v in Cleared)
        {
            info.Environment.Remove(v);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        return info;
    }

    public static async Task<string> RunAsync(ProcessStartInfo info, TimeSpan timeout)
    {
        using var process = Process.Start(info)!;
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
            throw new TimeoutException($"{Describe(info)} ran longer than {timeout}.");
        }

        string text = await output + await error;
        return process.ExitCode == 0 ? text : throw new InvalidOperationException($"{Describe(info)} exited {process.ExitCode}:\n{text}");
    }

    private static string Describe(ProcessStartInfo info)
    {
        var sb = new StringBuilder(info.FileName);
        foreach (string a in info.ArgumentList)
        {
            sb.Append(' ').Append(a);
        }

        return sb.ToString();
    }
}
