namespace RefineMemory.Onnx.Native;

/// <summary>ONNX Runtime's error codes (<c>OrtErrorCode</c>).</summary>
public enum OrtErrorCode
{
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    ExecutionProviderFail = 11,
}

/// <summary>An ONNX Runtime call failed; <see cref="Exception.Message"/> carries ORT's own message.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OrtErrorCode code, string message) : base(message) => Code = code;

    public OnnxRuntimeException() : base("ONNX Runtime call failed.") { }

    public OnnxRuntimeException(string message) : base(message) { }

    public OnnxRuntimeException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>ORT's error code.</summary>
    public OrtErrorCode Code { get; } = OrtErrorCode.Fail;
}

/// <summary>The ONNX Runtime native library is not where it was looked for; the message names the paths and the set-up command.</summary>
public sealed class OnnxRuntimeNotFoundException : FileNotFoundException
{
    public OnnxRuntimeNotFoundException(string message, string? path) : base(message, path) { }

    public OnnxRuntimeNotFoundException() { }

    public OnnxRuntimeNotFoundException(string message) : base(message) { }

    public OnnxRuntimeNotFoundException(string message, Exception innerException) : base(message, innerException) { }
}
