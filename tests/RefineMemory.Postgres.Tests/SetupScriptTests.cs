using System.Diagnostics;
using RefineMemory.Testing;

namespace RefineMemory.Postgres.Tests;

/// <summary>
/// The set-up scripts as a newcomer runs them: twice at once they take turns and print no error; a package apt
/// cannot install ends them with one line and a non-zero exit.
/// </summary>
public sealed class SetupScriptTests
{
    [Fact]
    public async Task The_postgres_setup_run_twice_at_once_succeeds_both_times_and_prints_no_error()
    {
        var runs = await Task.WhenAll(BashAsync("bash", "eng/postgres/setup.sh"), BashAsync("bash", "eng/postgres/setup.sh"));
        Assert.All(runs, r =>
        {
            Assert.True(r.Code == 0, r.Err);
            Assert.Equal("", r.Err); // before: a fresh machine printed "E: Unable to locate package ..." on its way to success
            Assert.Contains("setup: postgres: ", r.Out, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Two_setups_at_once_take_turns_under_the_lock()
    {
        string name = "test-" + Guid.NewGuid().ToString("N");
        const string Body = "set -euo pipefail; source eng/apt.sh; lock {0}; echo start; sleep 1; echo end";
        var runs = await Task.WhenAll(BashAsync("bash", "-c", string.Format(System.Globalization.CultureInfo.InvariantCulture, Body, name)), BashAsync("bash", "-c", string.Format(System.Globalization.CultureInfo.InvariantCulture, Body, name)));
        Assert.All(runs, r => Assert.Equal((0, "start\nend\n", ""), (r.Code, r.Out, r.Err)));
        // Each held the lock for its second, one after the other: together at least two (without the lock, one).
        var span = runs.Max(r => r.Ended) - runs.Min(r => r.Started);
        Assert.True(span >= TimeSpan.FromSeconds(1.9), $"the two runs overlapped: both done in {span}");
        File.Delete(Path.Combine(Path.GetTempPath(), $"refinememory-{name}.lock"));
    }

    [Fact]
    public async Task A_package_apt_cannot_install_fails_in_one_line_with_a_non_zero_exit()
    {
        var run = await BashAsync("bash", "-c", "set -euo pipefail; source eng/apt.sh; apt_install refinememory-no-such-package; echo not reached");
        Assert.NotEqual(0, run.Code);
        Assert.DoesNotContain("not reached", run.Out, StringComparison.Ordinal);
        Assert.StartsWith("setup: error: ", Assert.Single(run.Err.TrimEnd('\n').Split('\n')), StringComparison.Ordinal);
        Assert.True(run.Err.Contains("refinememory-no-such-package", StringComparison.Ordinal) || run.Err.Contains("needs root", StringComparison.Ordinal), run.Err);
    }

    private static async Task<(int Code, string Out, string Err, DateTime Started, DateTime Ended)> BashAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program, args) { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        DateTime started = DateTime.UtcNow;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await stdout, await stderr, started, DateTime.UtcNow);
    }
}
