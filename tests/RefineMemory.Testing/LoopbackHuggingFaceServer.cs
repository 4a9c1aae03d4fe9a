using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RefineMemory.Testing;

/// <summary>
/// A Kestrel server on 127.0.0.1 (random port) that serves files in Hugging Face's URL layout,
/// <c>/{owner}/{repo}/resolve/{revision}/{path}</c>. LFS files answer like the Hub: a 302 to <c>/cdn/...</c> carrying
/// <c>X-Linked-Etag</c> (the SHA-256) and <c>X-Linked-Size</c>; the CDN path honours <c>Range: bytes=N-</c>.
/// Faults can be injected: a transfer cut after N bytes, or an advertised SHA-256 that does not match.
/// </summary>
public sealed class LoopbackHuggingFaceServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ServedFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Path, string? Range)> _requests = new();

    private LoopbackHuggingFaceServer(WebApplication app) => _app = app;

    /// <summary>The server's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request received: path and Range header.</summary>
    public IReadOnlyList<(string Path, string? Range)> Requests => _requests.ToArray();

    public static async Task<LoopbackHuggingFaceServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LoopbackHuggingFaceServer(app);
        app.MapGet("/{owner}/{repo}/resolve/{revision}/{**path}", (HttpContext context, string owner, string repo, string path) =>
            server.ResolveAsync(context, $"{owner}/{repo}", path));
        app.MapGet("/cdn/{key}", (HttpContext context, string key) => server.CdnAsync(context, key));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Serves <paramref name="content"/> at <paramref name="repository"/>/<paramref name="path"/>; LFS files go through the redirect.</summary>
    public void AddFile(string repository, string path, byte[] content, bool lfs, string? advertisedSha256 = null)
    {
        string sha = advertisedSha256 ?? Convert.ToHexStringLower(SHA256.HashData(content));
        _files[$"{repository}/{path}"] = new ServedFile(content, lfs, sha);
    }

    /// <summary>The next <paramref name="times"/> transfers of the file stop after <paramref name="bytes"/> bytes (connection aborted).</summary>
    public void InterruptAfter(string repository, string path, int bytes, int times = 1)
    {
        var file = _files[$"{repository}/{path}"];
        file.CutAfter = bytes;
        file.CutsLeft = times;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ResolveAsync(HttpContext context, string repository, string path)
    {
        _requests.Enqueue((context.Request.Path, context.Request.Headers.Range.FirstOrDefault()));
        string key = $"{repository}/{path}";
        if (!_files.TryGetValue(key, out var file))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("Entry not found");
            return;
        }

        if (file.Lfs)
        {
            context.Response.StatusCode = 302;
            context.Response.Headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
            context.Response.Headers["X-Linked-Size"] = file.Content.Length.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.Location = "/cdn/" + Uri.EscapeDataString(key);
            return;
        }

        // Small files: served directly; the Hub's ETag here is a git blob id, not a SHA-256.
        context.Response.Headers.ETag = $"\"{Convert.ToHexStringLower(SHA1.HashData(file.Content))}\"";
        await SendAsync(context, file);
    }

    private async Task CdnAsync(HttpContext context, string key)
    {
        _requests.Enqueue((context.Request.Path, context.Request.Headers.Range.FirstOrDefault()));
        if (!_files.TryGetValue(Uri.UnescapeDataString(key), out var file))
        {
            context.Response.StatusCode = 404;
            return;
        }

        await SendAsync(context, file);
    }

    private static async Task SendAsync(HttpContext context, ServedFile file)
    {
        int start = 0;
        string? range = context.Request.Headers.Range.FirstOrDefault();
        context.Response.Headers.AcceptRanges = "bytes";
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = int.Parse(range.AsSpan(6, range.Length - 7), CultureInfo.InvariantCulture);
            if (start >= file.Content.Length)
            {
                context.Response.StatusCode = 416;
                context.Response.Headers.ContentRange = $"bytes */{file.Content.Length}";
                return;
            }

            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {start}-{file.Content.Length - 1}/{file.Content.Length}";
        }

        context.Response.ContentLength = file.Content.Length - start;
        context.Response.ContentType = "application/octet-stream";
        if (file.CutsLeft > 0 && file.CutAfter > start)
        {
            file.CutsLeft--;
            await context.Response.Body.WriteAsync(file.Content.AsMemory(start, file.CutAfter - start));
            await context.Response.Body.FlushAsync();
            // Give the client time to read what was sent: a reset connection may drop unread bytes.
            await Task.Delay(300);
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(file.Content.AsMemory(start));
    }

    private sealed class ServedFile(byte[] content, bool lfs, string sha256)
    {
        public byte[] Content { get; } = content;

        public bool Lfs { get; } = lfs;

        public string Sha256 { get; } = sha256;

        public int CutAfter { get; set; }

        public int CutsLeft { get; set; }
    }
}
