using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace RefineMemory.Notebooks.Tests;

/// <summary>
/// Records the Semantic Kernel functions invoked in this process while it lives, from SK's own metric
/// (<c>semantic_kernel.function.invocation.duration</c> of the <c>Microsoft.SemanticKernel</c> meter, tagged with the
/// function's name), which <c>KernelFunction.InvokeAsync</c> records for every invocation through a kernel. A result
/// made without the kernel (calling the pipeline or the tool's JSON writer directly) leaves no trace here.
/// </summary>
internal sealed class KernelFunctionInvocations : IDisposable
{
    private const string MeterName = "Microsoft.SemanticKernel";
    private const string InstrumentName = "semantic_kernel.function.invocation.duration";
    private const string FunctionTag = "semantic_kernel.function.name";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<string> _names = new();

    public KernelFunctionInvocations()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == FunctionTag && tag.Value is string name)
                {
                    _names.Enqueue(name);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>The names of the functions invoked so far, in the order they finished.</summary>
    public IReadOnlyList<string> Names => [.. _names];

    public void Dispose() => _listener.Dispose();
}
