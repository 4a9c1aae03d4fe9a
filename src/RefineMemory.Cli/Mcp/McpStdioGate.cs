using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace RefineMemory.Cli.Mcp;

/// <summary>
/// Stands between the MCP client's stdio and the SDK's stream transport. Each line from stdin is checked first
/// (<see cref="McpLineCheck"/>): a line the SDK would drop or mishandle gets its JSON-RPC error here, and so does a
/// request whose id is already in flight (answers are matched by id, so two would be indistinguishable); every
/// other line goes to the SDK unchanged. Stdout is written a whole line at a time under one lock, so these replies
/// never interleave with the SDK's. When stdin closes, requests already received are answered first (within
/// <see cref="DrainTimeout"/>); then the SDK's input ends and the server shuts down.
/// </summary>
internal sealed class McpStdioGate
{
    /// <summary>
    /// How long requests received before stdin closed may take to be answered. A search is bounded by its judge
    /// budget (20 s by default); a longer ingest is cancelled when this runs out, as it would be on Ctrl+C.
    /// </summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    private readonly Pipe _toServer = new();
    private readonly McpLineStream _output;
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private TaskCompletionSource _drained = Completed();

    public McpStdioGate(Stream stdout) => _output = new McpLineStream(stdout, Answered);

    /// <summary>What the SDK reads: the checked lines.</summary>
    public Stream ServerInput => _toServer.Reader.AsStream();

    /// <summary>What the SDK writes: stdout, a whole line at a time.</summary>
    public Stream ServerOutput => _output;

    /// <summary>
    /// Longest line taken, in bytes of UTF-8. The ingest tool takes at most 4,000,000 characters of text a call
    /// (<c>RefineMemoryToolOptions.MaxInlineTotalChars</c>), under 32 MiB however it is escaped; a longer line is
    /// answered -32600 without being held in memory, so a client cannot make the server buffer without end.
    /// </summary>
    public const int MaxLineBytes = 32 * 1024 * 1024;

    /// <summary>Copies checked lines from <paramref name="stdin"/> until it closes, then ends the SDK's input.</summary>
    public async Task PumpAsync(Stream stdin, CancellationToken cancellationToken)
    {
        try
        {
            var reader = PipeReader.Create(stdin);
            bool skipping = false; // inside a line past MaxLineBytes, already answered
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = read.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = buffer.Slice(0, end);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    if (!skipping)
                    {
                        await PassAsync(line, cancellationToken).ConfigureAwait(false);
                    }

                    skipping = false;
                }

                if (!skipping && buffer.Length > MaxLineBytes)
                {
                    await _output.WriteLineAsync(McpLineCheck.TooLong(MaxLineBytes), cancellationToken).ConfigureAwait(false);
                    skipping = true;
                }

                if (read.IsCompleted)
                {
                    if (!skipping)
                    {
                        await PassAsync(buffer, cancellationToken).ConfigureAwait(false); // a last line without its newline
                    }

                    break;
                }

                reader.AdvanceTo(skipping ? buffer.End : buffer.Start, buffer.End);
            }

            await reader.CompleteAsync().ConfigureAwait(false);
            await DrainAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _toServer.Writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private Task PassAsync(ReadOnlySequence<byte> bytes, CancellationToken cancellationToken)
    {
        string line = Encoding.UTF8.GetString(bytes).TrimEnd('\r');
        return string.IsNullOrWhiteSpace(line) ? Task.CompletedTask : PassAsync(line, cancellationToken);
    }

    private async Task PassAsync(string line, CancellationToken cancellationToken)
    {
        var outcome = McpLineCheck.Check(line);
        string? reply = outcome.Reply ?? (outcome.RequestId is { } id && !Track(id) ? McpLineCheck.IdInFlight(id) : null);
        if (reply is not null)
        {
            await _output.WriteLineAsync(reply, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (outcome.CancelledId is { } cancelled)
        {
            Forget(cancelled); // a cancelled request is not answered (MCP), so it is no longer waited for
        }

        await _toServer.Writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).ConfigureAwait(false);
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        Task drained;
        lock (_inFlight)
        {
            drained = _drained.Task;
        }

        try
        {
            await drained.WaitAsync(DrainTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The rest are cancelled by the shutdown that follows.
        }
    }

    /// <summary>Notes a request as in flight; false when its id already is.</summary>
    private bool Track(string id)
    {
        lock (_inFlight)
        {
            if (!_inFlight.Add(id))
            {
                return false;
            }

            if (_inFlight.Count == 1)
            {
                _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return true;
        }
    }

    private void Answered(ReadOnlySpan<byte> line)
    {
        if (McpLineCheck.ResponseId(line) is { } id)
        {
            Forget(id);
        }
    }

    private void Forget(string id)
    {
        lock (_inFlight)
        {
            if (_inFlight.Remove(id) && _inFlight.Count == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource Completed()
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        drained.SetResult(); // nothing in flight yet
        return drained;
    }
}
