using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RefineMemory.Onnx.Native;

/// <summary>
/// An ONNX Runtime inference session opened from a model file. <see cref="Run"/> is thread-safe (ORT sessions
/// are); inputs are pinned managed arrays, outputs are copied into managed arrays and their native values released.
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private readonly OnnxRuntimeLibrary.Loaded _ort;
    private readonly OrtHandle _session;
    // UTF-8, NUL-terminated names on the pinned object heap: they never move and live as long as the session object.
    private readonly byte[][] _inputNames;
    private readonly byte[][] _outputNames;

    private OnnxSession(OnnxRuntimeLibrary.Loaded ort, OrtHandle session, string modelPath)
    {
        _ort = ort;
        _session = session;
        ModelPath = modelPath;
        Inputs = ReadNodes(isInput: true);
        Outputs = ReadNodes(isInput: false);
        _inputNames = Inputs.Select(n => PinnedUtf8(n.Name)).ToArray();
        _outputNames = Outputs.Select(n => PinnedUtf8(n.Name)).ToArray();
    }

    public string ModelPath { get; }

    public IReadOnlyList<OnnxNodeInfo> Inputs { get; }

    public IReadOnlyList<OnnxNodeInfo> Outputs { get; }

    /// <summary>Opens <paramref name="modelPath"/>; fails with <see cref="FileNotFoundException"/> naming it when absent.</summary>
    public static OnnxSession Open(string modelPath, OnnxSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        options ??= new OnnxSessionOptions();
        string full = Path.GetFullPath(modelPath);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"ONNX model '{full}' does not exist.", full);
        }

        var ort = OnnxRuntimeLibrary.Load(options.LibraryPath);
        using var sessionOptions = CreateOptions(ort, options);
        nint session;
        nint pathUtf8 = Marshal.StringToCoTaskMemUTF8(full);
        try
        {
            ort.Check(ort.Api.CreateSession(ort.Environment.DangerousGetHandle(), (byte*)pathUtf8, sessionOptions.DangerousGetHandle(), &session));
        }
        finally
        {
            Marshal.FreeCoTaskMem(pathUtf8);
        }

        var handle = OrtHandle.Own(ort.Api, OrtObjectKind.Session, session);
        try
        {
            return new OnnxSession(ort, handle, full);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model on <paramref name="inputs"/> and returns the requested outputs (default: all), in order.
    /// Cancelling <paramref name="cancellationToken"/> asks ORT to terminate the run.
    /// </summary>
    public IReadOnlyList<OnnxOutput> Run(IReadOnlyList<OnnxInput> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(_session.IsClosed, this);
        cancellationToken.ThrowIfCancellationRequested();
        int[] inputIndex = inputs.Select(i => IndexOf(Inputs, i.Name, "input")).ToArray();
        int[] outputIndex = outputNames is null
            ? Enumerable.Range(0, Outputs.Count).ToArray()
            : outputNames.Select(n => IndexOf(Outputs, n, "output")).ToArray();

        var pins = new GCHandle[inputs.Count];
        var valueHandles = new OrtHandle?[inputs.Count + outputIndex.Length];
        var values = new nint[inputs.Count];
        var results = new nint[outputIndex.Length];
        var inputNamePtrs = new nint[inputs.Count];
        var outputNamePtrs = new nint[outputIndex.Length];
        OrtHandle? runOptions = null;
        bool addedRef = false;
        try
        {
            _session.DangerousAddRef(ref addedRef);
            for (int i = 0; i < inputs.Count; i++)
            {
                inputNamePtrs[i] = Address(_inputNames[inputIndex[i]]);
                pins[i] = GCHandle.Alloc(inputs[i].Data, GCHandleType.Pinned);
                valueHandles[i] = CreateTensor(inputs[i], pins[i].AddrOfPinnedObject());
                values[i] = valueHandles[i]!.DangerousGetHandle();
            }

            for (int i = 0; i < outputIndex.Length; i++)
            {
                outputNamePtrs[i] = Address(_outputNames[outputIndex[i]]);
            }

            nint runOptionsPtr = nint.Zero;
            if (cancellationToken.CanBeCanceled)
            {
                nint created;
                _ort.Check(_ort.Api.CreateRunOptions(&created));
                runOptions = OrtHandle.Own(_ort.Api, OrtObjectKind.RunOptions, created);
                runOptionsPtr = created;
            }

            using var registration = runOptions is null ? default : cancellationToken.Register(static state =>
            {
                var (ort, options) = ((OnnxRuntimeLibrary.Loaded, nint))state!;
                nint status = ort.Api.RunOptionsSetTerminate(options);
                if (status != nint.Zero)
                {
                    ort.Api.ReleaseStatus(status);
                }
            }, (_ort, runOptionsPtr));

            fixed (nint* inNames = inputNamePtrs, inValues = values, outNames = outputNamePtrs, outValues = results)
            {
                try
                {
                    _ort.Check(_ort.Api.Run(_session.DangerousGetHandle(), runOptionsPtr, (byte**)inNames, inValues, (nuint)inputs.Count,
                        (byte**)outNames, (nuint)outputIndex.Length, outValues));
                }
                catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException("The ONNX Runtime run was cancelled.", cancellationToken);
                }
            }

            for (int i = 0; i < results.Length; i++)
            {
                valueHandles[inputs.Count + i] = OrtHandle.Own(_ort.Api, OrtObjectKind.Value, results[i]);
            }

            var outputs = new OnnxOutput[results.Length];
            for (int i = 0; i < results.Length; i++)
            {
                outputs[i] = CopyOut(Outputs[outputIndex[i]].Name, results[i]);
            }

            return outputs;
        }
        finally
        {
            foreach (var v in valueHandles)
            {
                v?.Dispose();
            }

            foreach (var pin in pins)
            {
                if (pin.IsAllocated)
                {
                    pin.Free();
                }
            }

            runOptions?.Dispose();
            if (addedRef)
            {
                _session.DangerousRelease();
            }
        }
    }

    /// <summary>Releases the native session (after any run in progress has finished with it).</summary>
    public void Dispose() => _session.Dispose();

    private static byte[] PinnedUtf8(string text)
    {
        int length = System.Text.Encoding.UTF8.GetByteCount(text);
        var bytes = GC.AllocateArray<byte>(length + 1, pinned: true);
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private static nint Address(byte[] pinned) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    private static OrtHandle CreateOptions(OnnxRuntimeLibrary.Loaded ort, OnnxSessionOptions options)
    {
        nint created;
        ort.Check(ort.Api.CreateSessionOptions(&created));
        var handle = OrtHandle.Own(ort.Api, OrtObjectKind.SessionOptions, created);
        try
        {
            ort.Check(ort.Api.SetIntraOpNumThreads(created, options.IntraOpThreads));
            ort.Check(ort.Api.SetInterOpNumThreads(created, options.InterOpThreads));
            ort.Check(ort.Api.SetSessionGraphOptimizationLevel(created, (int)options.GraphOptimization));
            if (options.UseCuda)
            {
                ort.AppendCuda(handle, options.CudaDeviceId);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static int IndexOf(IReadOnlyList<OnnxNodeInfo> nodes, string name, string what)
    {
        for (int i = 0; i < nodes.Count; i++)
        {
            if (string.Equals(nodes[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ArgumentException($"The model has no {what} named '{name}' (it has: {string.Join(", ", nodes.Select(n => n.Name))}).");
    }

    private OrtHandle CreateTensor(OnnxInput input, nint data)
    {
        long[] shape = input.Shape.ToArray();
        nint value;
        fixed (long* shapePtr = shape)
        {
            _ort.Check(_ort.Api.CreateTensorWithDataAsOrtValue(_ort.CpuMemory.DangerousGetHandle(), (void*)data,
                (nuint)((long)input.Data.Length * input.ElementSize), shapePtr, (nuint)shape.Length, (int)input.ElementType, &value));
        }

        return OrtHandle.Own(_ort.Api, OrtObjectKind.Value, value);
    }

    private OnnxOutput CopyOut(string name, nint value)
    {
        nint info;
        _ort.Check(_ort.Api.GetTensorTypeAndShape(value, &info));
        using var infoHandle = OrtHandle.Own(_ort.Api, OrtObjectKind.TensorTypeAndShapeInfo, info);
        var (type, shape) = ReadTensorInfo(info);
        if (type != OnnxElementType.Float)
        {
            throw new NotSupportedException($"Output '{name}' is a {type} tensor; this binding reads float outputs only.");
        }

        long count = 1;
        foreach (long d in shape)
        {
            count *= d;
        }

        void* data;
        _ort.Check(_ort.Api.GetTensorMutableData(value, &data));
        var copy = new float[count];
        new ReadOnlySpan<float>(data, checked((int)count)).CopyTo(copy);
        return new OnnxOutput(name, shape, copy);
    }

    private (OnnxElementType Type, long[] Shape) ReadTensorInfo(nint info)
    {
        int type;
        nuint rank;
        _ort.Check(_ort.Api.GetTensorElementType(info, &type));
        _ort.Check(_ort.Api.GetDimensionsCount(info, &rank));
        var shape = new long[(int)rank];
        fixed (long* p = shape)
        {
            _ort.Check(_ort.Api.GetDimensions(info, p, rank));
        }

        return ((OnnxElementType)type, shape);
    }

    private OnnxNodeInfo[] ReadNodes(bool isInput)
    {
        nint session = _session.DangerousGetHandle();
        nuint count;
        _ort.Check(isInput ? _ort.Api.SessionGetInputCount(session, &count) : _ort.Api.SessionGetOutputCount(session, &count));
        var nodes = new OnnxNodeInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* name;
            _ort.Check(isInput
                ? _ort.Api.SessionGetInputName(session, i, _ort.DefaultAllocator, &name)
                : _ort.Api.SessionGetOutputName(session, i, _ort.DefaultAllocator, &name));
            string text = Marshal.PtrToStringUTF8((nint)name) ?? string.Empty;
            _ort.Check(_ort.Api.AllocatorFree(_ort.DefaultAllocator, name));

            nint typeInfo;
            _ort.Check(isInput ? _ort.Api.SessionGetInputTypeInfo(session, i, &typeInfo) : _ort.Api.SessionGetOutputTypeInfo(session, i, &typeInfo));
            using var typeHandle = OrtHandle.Own(_ort.Api, OrtObjectKind.TypeInfo, typeInfo);
            nint tensorInfo;
            _ort.Check(_ort.Api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
            if (tensorInfo == nint.Zero)
            {
                nodes[i] = new OnnxNodeInfo(text, OnnxElementType.Undefined, []);
                continue;
            }

            var (type, shape) = ReadTensorInfo(tensorInfo); // owned by typeInfo: not released separately
            nodes[i] = new OnnxNodeInfo(text, type, shape);
        }

        return nodes;
    }
}
