using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace RefineMemory.Cli.Mcp;

/// <summary>
/// Stands between the MCP client's stdio and the SDK's stream transport. Each line from stdin is checked first:
/// a line that is not JSON gets JSON-RPC's parse error (-32700, <c>"id": null</c>) and a <c>tools/call</c> without
/// a string <c>name</c> gets invalid params (-32602), where the SDK would stay silent or answer a generic -32603;
/// every other line goes to the SDK unchanged. Stdout is written a whole line at a time under one lock, so these
/// replies never interleave with the SDK's. When stdin closes, the SDK's input ends and the server shuts down.
/// </summary>
internal sealed class McpStdioGate
{
    private readonly Pipe _toServer = new();
    private readonly LineStream _output;

    public McpStdioGate(Stream stdout) => _output = new LineStream(stdout);

    /// <summary>What the SDK reads: the checked lines.</summary>
    public Stream ServerInput => _toServer.Reader.AsStream();

    /// <summary>What the SDK writes: stdout, a whole line at a time.</summary>
    public Stream ServerOutput => _output;

    /// <summary>Copies checked lines from <paramref name="stdin"/> until it closes, then ends the SDK's input.</summary>
    public async Task PumpAsync(Stream stdin, CancellationToken cancellationToken)
    {
        try
        {
            using var reader = new StreamReader(stdin, new UTF8Encoding(false));
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                if (Reject(line) is { } reply)
                {
                    await _output.WriteLineAsync(reply, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await _toServer.Writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await _toServer.Writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The error reply for a line the SDK would mishandle, or <c>null</c> to pass it on.</summary>
    internal static string? Reject(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            return Error(null, -32700, $"Parse error: the line is not valid JSON ({ex.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String && method.GetString() == "tools/call"
                && root.TryGetProperty("id", out var id)
                && !(root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object
                     && p.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString()!.Length > 0))
            {
                return Error(id, -32602, "Invalid params: tools/call needs params.name, the name of the tool to call (see tools/list).");
            }

            return null;
        }
    }

    private static string Error(JsonElement? id, int code, string message)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            w.WritePropertyName("id");
            if (id is { } value)
            {
                value.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteStartObject("error");
            w.WriteNumber("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A write-only stream that passes on only complete lines, each under one lock.</summary>
    private sealed class LineStream(Stream inner) : Stream
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        private readonly MemoryStream _partial = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public async Task WriteLineAsync(string line, CancellationToken cancellationToken) =>
            await WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).ConfigureAwait(false);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                int newline;
                while ((newline = buffer.Span.IndexOf((byte)'\n')) >= 0)
                {
                    _partial.Write(buffer.Span[..(newline + 1)]);
                    await inner.WriteAsync(_partial.GetBuffer().AsMemory(0, (int)_partial.Length), cancellationToken).ConfigureAwait(false);
                    await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
                    _partial.SetLength(0);
                    buffer = buffer[(newline + 1)..];
                }

                _partial.Write(buffer.Span);
            }
            finally
            {
                _lock.Release();
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
