using System.Text;

namespace RefineMemory.Cli.Mcp;

/// <summary>
/// A write-only stream that passes on only complete lines, each under one lock, so that replies written by
/// different threads never interleave; each line written is shown to <c>written</c> (the gate notes answers).
/// </summary>
internal sealed class McpLineStream(Stream inner, Action<ReadOnlySpan<byte>> written) : Stream
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
                var line = _partial.GetBuffer().AsMemory(0, (int)_partial.Length);
                await inner.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
                written(line.Span);
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
