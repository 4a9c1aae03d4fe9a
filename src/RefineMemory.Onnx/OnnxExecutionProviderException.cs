namespace RefineMemory.Onnx;

/// <summary>
/// An execution provider (CUDA) could not be used: not in this ONNX Runtime build, or its libraries are missing on
/// the host. <see cref="Exception.Message"/> is one line ending with ONNX Runtime's own first line of explanation.
/// </summary>
public sealed class OnnxExecutionProviderException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public OnnxExecutionProviderException() : base("The ONNX Runtime execution provider could not be loaded.") { }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public OnnxExecutionProviderException(string message) : base(message) { }

    /// <summary>Creates the exception with <paramref name="message"/> and the <paramref name="innerException"/> that caused it.</summary>
    public OnnxExecutionProviderException(string message, Exception innerException) : base(message, innerException) { }
}
