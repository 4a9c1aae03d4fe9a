using System.Runtime.InteropServices;

namespace RefineMemory.Onnx.Native;

/// <summary>The ONNX Runtime objects this binding owns; each kind has its own Release function.</summary>
internal enum OrtObjectKind
{
    Env,
    SessionOptions,
    Session,
    Value,
    RunOptions,
    TypeInfo,
    TensorTypeAndShapeInfo,
    MemoryInfo,
}

/// <summary>
/// Owns one native ONNX Runtime object and releases it exactly once with its kind's Release function.
/// Live counts per kind let tests prove that repeated use releases everything it creates.
/// </summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private static readonly long[] Live = new long[Enum.GetValues<OrtObjectKind>().Length];
    private readonly OrtApi _api;

    private OrtHandle(OrtApi api, OrtObjectKind kind, nint handle) : base(nint.Zero, ownsHandle: true)
    {
        _api = api;
        Kind = kind;
        SetHandle(handle);
        Interlocked.Increment(ref Live[(int)kind]);
    }

    public OrtObjectKind Kind { get; }

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>How many objects of <paramref name="kind"/> this process holds now.</summary>
    public static long LiveCount(OrtObjectKind kind) => Interlocked.Read(ref Live[(int)kind]);

    /// <summary>Takes ownership of <paramref name="handle"/> (which must not be zero).</summary>
    public static OrtHandle Own(OrtApi api, OrtObjectKind kind, nint handle)
    {
        if (handle == nint.Zero)
        {
            throw new OnnxRuntimeException(OrtErrorCode.Fail, $"ONNX Runtime returned no {kind} object.");
        }

        return new OrtHandle(api, kind, handle);
    }

    protected override bool ReleaseHandle()
    {
        var release = Kind switch
        {
            OrtObjectKind.Env => _api.ReleaseEnv,
            OrtObjectKind.SessionOptions => _api.ReleaseSessionOptions,
            OrtObjectKind.Session => _api.ReleaseSession,
            OrtObjectKind.Value => _api.ReleaseValue,
            OrtObjectKind.RunOptions => _api.ReleaseRunOptions,
            OrtObjectKind.TypeInfo => _api.ReleaseTypeInfo,
            OrtObjectKind.TensorTypeAndShapeInfo => _api.ReleaseTensorTypeAndShapeInfo,
            _ => _api.ReleaseMemoryInfo,
        };
        release(handle);
        Interlocked.Decrement(ref Live[(int)Kind]);
        return true;
    }
}
