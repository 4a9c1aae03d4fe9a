using System.Net;
using RefineMemory.Testing;
using static RefineMemory.Serve.Tests.ServeTestData;

namespace RefineMemory.Serve.Tests;

/// <summary>SIGTERM, as systemd and container runtimes stop a service: in-flight searches finish or are cancelled, nothing is left half-done.</summary>
public sealed class ServeShutdownTests
{
    [Fact]
    public async Task Sigterm_during_a_search_lets_it_finish_within_the_shutdown_timeout_and_the_process_exits_0()
    {
        await using var models = await ModelsAsync();
        await using var serve = await ServeProcess.StartAsync(models, arguments: ["--shutdown-timeout", "20"]);
        await using (var client = await McpClientAsync(serve))
        {
            await IngestRefundsAsync(client);
        }

        using var http = serve.Client();
        models.Latency = TimeSpan.FromMilliseconds(150); // 12 documents judged one after another: about 2 s
        var search = SearchAsync(http, "refund not showing up");
        await WaitUntilAsync(() => models.ChatRequests > 0);
        serve.Terminate();

        using var response = await search;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await JsonAsync(response)).GetProperty("tool").GetProperty("refined").GetBoolean());
        await serve.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, serve.ExitCode);
        Assert.Contains("refine serve: stopped.", serve.StandardError, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync("/healthz"));
    }

    [Fact]
    public async Task A_search_still_running_when_the_shutdown_timeout_ends_is_cancelled_and_its_judge_calls_stop()
    {
        await using var models = await ModelsAsync();
        await using var serve = await ServeProcess.StartAsync(models, arguments: ["--shutdown-timeout", "1", "--judge-budget", "600"]);
        await using (var client = await McpClientAsync(serve))
        {
            await IngestRefundsAsync(client);
        }

        using var http = serve.Client();
        models.Latency = TimeSpan.FromSeconds(5); // 12 calls: a minute, far past the timeout
        var search = SearchAsync(http, "refund not showing up");
        await WaitUntilAsync(() => models.ChatRequests > 0);
        serve.Terminate();
        await serve.WaitForExitAsync(TimeSpan.FromSeconds(20)); // far short of the minute the judge would take: it was cancelled
        Assert.Equal(0, serve.ExitCode);
        await Assert.ThrowsAnyAsync<Exception>(async () => (await search).EnsureSuccessStatusCode());
        int calls = models.ChatRequests;
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(calls, models.ChatRequests); // nobody is left calling the judge
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
