namespace RefineMemory.Onnx.Native;

/// <summary>How ONNX Runtime optimises the graph when a session opens (<c>GraphOptimizationLevel</c>).</summary>
public enum OnnxGraphOptimization
{
    Disabled = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}

/// <summary>Options for opening an <see cref="OnnxSession"/>.</summary>
public sealed class OnnxSessionOptions
{
    /// <summary>Threads used inside one operator; 0 (the default) lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads used across independent operators; 0 (the default) lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Graph optimisation level; default <see cref="OnnxGraphOptimization.All"/>.</summary>
    public OnnxGraphOptimization GraphOptimization { get; set; } = OnnxGraphOptimization.All;

    /// <summary>
    /// Run on the CUDA execution provider (default false). Needs a library built with CUDA and its provider
    /// library beside it; the npm build's provider library is not installed by set-up, so opening fails with ORT's message.
    /// </summary>
    public bool UseCuda { get; set; }

    /// <summary>CUDA device id when <see cref="UseCuda"/> is set; default 0.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>The native library to load; default <c>$REFINE_ONNXRUNTIME_PATH</c>, else the one set-up installs.</summary>
    public string? LibraryPath { get; set; }
}
