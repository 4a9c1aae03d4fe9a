using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using RefineMemory.Testing;

namespace RefineMemory.Sqlite.Tests;

/// <summary>
/// The built <c>refine mcp</c> as a child process spoken to line by line, as a client without an SDK would: raw
/// JSON-RPC in, every stdout line kept (each must parse as one JSON message) and sorted into answers by id and
/// notifications.
/// </summary>
internal sealed class McpProcess : IAsyncDisposable
{
    public const string Initialize = """{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";
    public const string Initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";

    private readonly Process _process;
    private readonly Task _reading;
    private readonly Task<string> _stderr;
    private readonly ConcurrentDictionary<string, JsonElement> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JsonElement> _notifications = new();
    private readonly ConcurrentQueue<string> _badLines = new();
    private readonly ConcurrentQueue<JsonElement> _nullAnswers = new();

    private McpProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        _reading = Task.Run(ReadAsync);
    }

    public static McpProcess Start(Uri loopback, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])[RefineCli.DllPath, "mcp", .. arguments])
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in RefineCli.LoopbackEnvironment(loopback))
        {
            info.Environment[k] = v;
        }

        return new McpProcess(Process.Start(info)!);
    }

    /// <summary>Notifications received so far (<c>notifications/message</c>, <c>notifications/progress</c>).</summary>
    public IReadOnlyList<JsonElement> Notifications => [.. _notifications];

    /// <summary>Stdout lines that were not one JSON object: interleaved or torn output.</summary>
    public IReadOnlyList<string> BadLines => [.. _badLines];

    /// <summary>Answers with <c>"id": null</c>, in order (parse errors, batches, null ids).</summary>
    public IReadOnlyList<JsonElement> NullAnswers => [.. _nullAnswers];

    public int AnswerCount => _answers.Count;

    public async Task SendAsync(params string[] lines)
    {
        foreach (string line in lines)
        {
            await _process.StandardInput.WriteLineAsync(line);
        }

        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Sends initialize and initialized, and waits for the answer.</summary>
    public async Task<McpProcess> InitializeAsync()
    {
        await SendAsync(Initialize);
        await AnswerAsync("\"init\"");
        await SendAsync(Initialized);
        return this;
    }

    public static string Call(object id, string tool, object arguments, object? meta = null) => JsonSerializer.Serialize(new
    {
        jsonrpc = "2.0",
        id,
        method = "tools/call",
        @params = meta is null ? (object)new { name = tool, arguments } : new { name = tool, arguments, _meta = meta },
    });

    /// <summary>The answer to the request whose id is <paramref name="rawId"/> (its JSON: <c>7</c>, <c>"a"</c>, <c>null</c>).</summary>
    public async Task<JsonElement> AnswerAsync(string rawId, TimeSpan? timeout = null)
    {
        var until = Stopwatch.StartNew();
        while (!_answers.ContainsKey(rawId))
        {
            if (until.Elapsed > (timeout ?? TimeSpan.FromSeconds(90)) || (_reading.IsCompleted && !_answers.ContainsKey(rawId)))
            {
                throw new TimeoutException($"No answer to id {rawId}; stderr: {(_process.HasExited ? await _stderr : "(running)")}");
            }

            await Task.Delay(20);
        }

        return _answers[rawId];
    }

    public bool HasAnswer(string rawId) => _answers.ContainsKey(rawId);

    /// <summary>Closes stdin and returns stderr once the process has exited.</summary>
    public async Task<string> CloseAsync(TimeSpan timeout)
    {
        _process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _reading;
        return await _stderr;
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            JsonElement message;
            try
            {
                message = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException)
            {
                _badLines.Enqueue(line);
                continue;
            }

            if (message.ValueKind != JsonValueKind.Object)
            {
                _badLines.Enqueue(line);
            }
            else if (message.TryGetProperty("method", out _))
            {
                _notifications.Enqueue(message);
            }
            else if (message.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Null)
            {
                _nullAnswers.Enqueue(message); // errors about messages without a usable id
            }
            else if (message.TryGetProperty("id", out id))
            {
                if (!_answers.TryAdd(id.GetRawText(), message))
                {
                    _badLines.Enqueue("a second answer: " + line);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
