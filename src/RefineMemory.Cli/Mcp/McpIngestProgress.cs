using System.Globalization;
using ModelContextProtocol;
using RefineMemory.Memory;

namespace RefineMemory.Cli.Mcp;

/// <summary>
/// Turns the ingestor's reports into MCP progress: <c>progress</c> counts documents stored, plus the part of the
/// current batch embedded, out of <c>total</c> documents. MCP requires each value to be larger than the last, so a
/// report that would not move it forward (the commit that ends a batch already shown as embedded) is not sent.
/// </summary>
internal sealed class McpIngestProgress(IProgress<ProgressNotificationValue> inner) : IProgress<IngestProgress>
{
    private readonly Lock _lock = new();
    private float _last = -1;

    public void Report(IngestProgress value)
    {
        float embedded = value.ChunksToEmbed > 0 ? (float)value.ChunksEmbedded / value.ChunksToEmbed : 0;
        float progress = value.Done + (0.99f * embedded);
        string message = value.ChunksToEmbed > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{value.Done:N0} of {value.Total:N0} documents stored; {value.ChunksEmbedded:N0} of {value.ChunksToEmbed:N0} chunks of this batch embedded")
            : string.Create(CultureInfo.InvariantCulture, $"{value.Done:N0} of {value.Total:N0} documents stored");

        // Sent under the lock that checks it: reports come from the embedding and the commit concurrently, and a
        // check released before the send let a larger value overtake a smaller one on the wire.
        lock (_lock)
        {
            if (progress <= _last)
            {
                return;
            }

            _last = progress;
            inner.Report(new ProgressNotificationValue { Progress = progress, Total = value.Total, Message = message });
        }
    }
}
