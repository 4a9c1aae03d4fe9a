using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RefineMemory.Testing;

/// <summary>
/// <c>refine mcp</c> (or any stdio MCP server) in a child process, spoken to line by line, one request at a time, so a
/// test knows its process id and can read what it holds from /proc: resident memory and open file descriptors.
/// </summary>
public sealed class McpStdioProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private int _nextId;

    private McpStdioProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The server's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts <paramref name="dll"/> with <paramref name="arguments"/> and completes the MCP handshake.</summary>
    public static async Task<McpStdioProcess> StartAsync(string dll, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var info = BuiltProgram.StartInfo(dll, environment, arguments);
        info.RedirectStandardInput = true;
        var server = new McpStdioProcess(Process.Start(info)!);
        await server.RequestAsync("initialize", new { protocolVersion = "2025-06-18", capabilities = new { }, clientInfo = new { name = "soak", version = "1" } });
        await server._process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        return server;
    }

    /// <summary>Calls <paramref name="tool"/> and returns the JSON its text content holds; a tool error fails with its text.</summary>
    public async Task<JsonElement> CallToolAsync(string tool, object arguments, CancellationToken cancellationToken = default)
    {
        var result = await RequestAsync("tools/call", new { name = tool, arguments }, cancellationToken);
        string text = string.Concat(result.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("text").GetString()));
        return result.TryGetProperty("isError", out var e) && e.GetBoolean()
            ? throw new InvalidOperationException($"{tool} failed: {text}")
            : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// Resident memory (VmRSS) in bytes and the open file descriptors, read from /proc, not counting the runtime's
    /// handles on its own assemblies and native libraries (one per assembly it has loaded, which it loads as code
    /// paths are first taken): what is left are sockets, pipes, database and other files, whose growth is a leak.
    /// </summary>
    public (long ResidentBytes, int OpenFiles) Resources()
    {
        string status = File.ReadAllText($"/proc/{Id}/status");
        string rss = status.Split('\n').Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        long kb = long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        int files = 0;
        foreach (string fd in Directory.GetFileSystemEntries($"/proc/{Id}/fd"))
        {
            string? target = new FileInfo(fd).LinkTarget;
            files += target is not null && (target.EndsWith(".dll", StringComparison.Ordinal) || target.Contains(".so", StringComparison.Ordinal)) ? 0 : 1;
        }

        return (kb * 1024, files);
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _ = await _stderr;
        _process.Dispose();
    }

    private async Task<JsonElement> RequestAsync(string method, object parameters, CancellationToken cancellationToken = default)
    {
        int id = Interlocked.Increment(ref _nextId);
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new { jsonrpc = "2.0", id, method, @params = parameters }).AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
        while (await _process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            var message = JsonDocument.Parse(line).RootElement;
            if (message.TryGetProperty("id", out var replyId) && replyId.ValueKind == JsonValueKind.Number && replyId.GetInt32() == id)
            {
                return message.TryGetProperty("error", out var error)
                    ? throw new InvalidOperationException($"{method}: {error}")
                    : message.GetProperty("result").Clone();
            }
        }

        throw new InvalidOperationException($"the server closed its output before answering {method}: {await _stderr}");
    }
}
