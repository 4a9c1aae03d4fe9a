using System.Diagnostics;

namespace RefineMemory.Cli.Tests;

/// <summary>Runs the built <c>refine</c> command line as a separate process, as a user would.</summary>
internal static class CliProcess
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunWithInputAsync(string stdin, params string[] args) =>
        RunWithEnvironmentAsync(stdin, new Dictionary<string, string>(), args);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithEnvironmentAsync(string stdin, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "refine.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunWithInputAsync("", args);
}
