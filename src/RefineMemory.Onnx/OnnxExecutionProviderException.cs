namespace RefineMemory.Onnx;

/// <summary>
/// An execution provider (CUDA) could not be used: not in this ONNX Runtime build, or its libraries are missing on
/// the host. <see cref="Exception.Message"/> is one line ending with ONNX Runtime's own first line of explanation.
/// </summary>
public sealed class OnnxExecutionProviderException : Exception
{
    public OnnxExecutionProviderException() : base("The ONNX Runtime execution provider could not be loaded.") { }

    public OnnxExecutionProviderException(string message) : base(message) { }

    public OnnxExecutionProviderException(string message, Exception innerException) : base(message, innerException) { }
}
