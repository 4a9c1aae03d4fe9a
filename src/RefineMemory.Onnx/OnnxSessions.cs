using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace RefineMemory.Onnx;

/// <summary>Opens ONNX Runtime sessions with <see cref="OnnxSessionOptions"/>, from a file or from model bytes.</summary>
internal static class OnnxSessions
{
    public static InferenceSession Open(string modelPath, OnnxSessionOptions options)
    {
        string full = Path.GetFullPath(modelPath);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"ONNX model '{full}' does not exist.", full);
        }

        using var sessionOptions = Create(options);
        return new InferenceSession(full, sessionOptions);
    }

    public static InferenceSession Open(byte[] model, OnnxSessionOptions options)
    {
        using var sessionOptions = Create(options);
        return new InferenceSession(model, sessionOptions);
    }

    private static SessionOptions Create(OnnxSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            GraphOptimizationLevel = options.GraphOptimization,
        };
        if (!options.UseCuda)
        {
            return sessionOptions;
        }

        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
            return sessionOptions;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            sessionOptions.Dispose();
            string reason = CudaProviderLoadError() is { } loadError ? $"{loadError} ({FirstLine(ex.Message)})" : FirstLine(ex.Message);
            throw new OnnxExecutionProviderException(
                $"ONNX Runtime cannot use CUDA (device {options.CudaDeviceId}): {reason} " +
                "(the GPU build needs `-p:RefineMemoryGpu=true` and CUDA 13 with cuDNN 9 on the host; or set UseCuda = false).", ex);
        }
    }

    /// <summary>
    /// ORT logs why its CUDA provider library did not load (a missing CUDA library, typically
    /// <c>libcublasLt.so.13: cannot open shared object file</c>) but its exception only says the provider is
    /// unavailable. Loading the provider library ourselves gives the loader's own reason; null when it loads or is absent.
    /// </summary>
    private static string? CudaProviderLoadError()
    {
        string file = OperatingSystem.IsWindows() ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
        string[] candidates = [Path.Combine(AppContext.BaseDirectory, file), Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", file)];
        foreach (string path in candidates.Where(File.Exists))
        {
            try
            {
                NativeLibrary.Free(NativeLibrary.Load(path));
                return null;
            }
            catch (DllNotFoundException ex)
            {
                // The loader's reason is the message's last line, "PATH: REASON".
                string last = ex.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
                return $"loading {file}: " + (last.StartsWith(path + ":", StringComparison.Ordinal) ? last[(path.Length + 1)..].Trim() : last);
            }
        }

        return null;
    }

    /// <summary>ORT's messages run to several lines (paths, a hint URL); the first says what is wrong.</summary>
    private static string FirstLine(string message)
    {
        string line = message.Split('\n', 2)[0].Trim();
        return line.Length > 0 ? line : message.Trim();
    }
}
