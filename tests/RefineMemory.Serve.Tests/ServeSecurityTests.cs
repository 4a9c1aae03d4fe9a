using System.Net;
using RefineMemory.Testing;
using static RefineMemory.Serve.Tests.ServeTestData;

namespace RefineMemory.Serve.Tests;

/// <summary>Who <c>refine serve</c> lets in: DNS-rebinding and origin checks, token rotation, and the settings it refuses to start with.</summary>
public sealed class ServeSecurityTests
{
    [Fact]
    public async Task A_foreign_host_name_gets_421_and_a_foreign_origin_403_while_the_same_origin_and_a_configured_one_pass()
    {
        await using var models = await ModelsAsync();
        await using var serve = await ServeProcess.StartAsync(models, arguments: ["--cors-origin", "https://app.example.com"]);
        using var http = serve.Client();

        // DNS rebinding: a page on evil.example resolves its name to 127.0.0.1; the browser sends its own Host and Origin.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/collections");
        rebound.Headers.Host = $"evil.example:{serve.BaseUri.Port}";
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await http.SendAsync(rebound)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await SendWithOriginAsync(http, "http://evil.example")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendWithOriginAsync(http, "null")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendWithOriginAsync(http, serve.BaseUri.GetLeftPart(UriPartial.Authority))).StatusCode);
        var configured = await SendWithOriginAsync(http, "https://app.example.com");
        Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        Assert.Equal("https://app.example.com", configured.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task A_token_added_to_the_token_file_works_at_once_and_a_removed_one_stops_working()
    {
        await using var models = await ModelsAsync();
        string folder = Directory.CreateTempSubdirectory("refine-serve-").FullName;
        string tokens = Path.Combine(folder, "tokens");
        const string Old = "old-token-0123456789abcdef", New = "new-token-0123456789abcdef";
        await File.WriteAllTextAsync(tokens, $"# rotated monthly\n{Old}\n");
        await using var serve = await ServeProcess.StartAsync(models, new Dictionary<string, string?> { ["REFINE_SERVE_TOKEN"] = null }, folder, "--token-file", tokens);

        Assert.Equal(HttpStatusCode.OK, (await serve.Client(Old).GetAsync("/api/collections")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await serve.Client(New).GetAsync("/api/collections")).StatusCode);
        await RewriteAsync(tokens, $"{Old}\n{New}\n");
        Assert.Equal(HttpStatusCode.OK, (await serve.Client(New).GetAsync("/api/collections")).StatusCode);
        await RewriteAsync(tokens, $"{New}\n");
        Assert.Equal(HttpStatusCode.Unauthorized, (await serve.Client(Old).GetAsync("/api/collections")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await serve.Client(New).GetAsync("/api/collections")).StatusCode);
    }

    [Theory]
    [InlineData(null, new string[0], "needs a token")]
    [InlineData("short", new string[0], "at least 16 characters")]
    [InlineData(null, new[] { "--no-auth", "--urls", "http://0.0.0.0:0" }, "--no-auth is allowed only on loopback")]
    [InlineData("test-token-0123456789abcdef", new[] { "--max-concurrent", "0" }, "--max-concurrent must be from 1")]
    [InlineData("test-token-0123456789abcdef", new[] { "--urls", "ftp://127.0.0.1:21" }, "is not an http(s)://host:port address")]
    public async Task Settings_that_would_start_an_unsafe_or_broken_server_are_refused_with_exit_2(string? token, string[] arguments, string message)
    {
        await using var models = await ModelsAsync();
        string folder = Directory.CreateTempSubdirectory("refine-serve-").FullName;
        var (code, error) = await ServeProcess.RunAsync(models, new Dictionary<string, string?> { ["REFINE_SERVE_TOKEN"] = token },
            ["serve", "--db", Path.Combine(folder, "m.db"), "--embedder", "openai", .. arguments]);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Without_a_token_on_loopback_under_no_auth_every_request_passes()
    {
        await using var models = await ModelsAsync();
        await using var serve = await ServeProcess.StartAsync(models, new Dictionary<string, string?> { ["REFINE_SERVE_TOKEN"] = null }, null, "--no-auth");
        Assert.Equal(HttpStatusCode.OK, (await serve.Client(token: null).GetAsync("/api/collections")).StatusCode);
        Assert.Contains("no authentication", serve.StandardError, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendWithOriginAsync(HttpClient http, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/collections");
        request.Headers.Add("Origin", origin);
        return await http.SendAsync(request);
    }

    /// <summary>Rewrites the file with a later modification time than the last (file systems keep coarse times).</summary>
    private static async Task RewriteAsync(string path, string text)
    {
        var before = File.GetLastWriteTimeUtc(path);
        await File.WriteAllTextAsync(path, text);
        File.SetLastWriteTimeUtc(path, before.AddSeconds(1));
    }
}
