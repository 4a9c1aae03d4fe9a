using Microsoft.ML.OnnxRuntime;

namespace RefineMemory.Onnx;

/// <summary>How an ONNX Runtime session is opened: threads, graph optimisation and the execution provider.</summary>
public sealed class OnnxSessionOptions
{
    /// <summary>Threads used inside one operator; 0 (the default) lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads used across independent operators; 0 (the default) lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Graph optimisation level; default <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>.</summary>
    public GraphOptimizationLevel GraphOptimization { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// Run on the CUDA execution provider (default false). Needs the CUDA build of ONNX Runtime (build with
    /// <c>-p:RefineMemoryGpu=true</c>) and CUDA 13 on the host; otherwise opening fails with
    /// <see cref="OnnxExecutionProviderException"/> naming what is missing.
    /// </summary>
    public bool UseCuda { get; set; }

    /// <summary>CUDA device id when <see cref="UseCuda"/> is set; default 0.</summary>
    public int CudaDeviceId { get; set; }
}
