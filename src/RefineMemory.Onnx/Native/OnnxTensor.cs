namespace RefineMemory.Onnx.Native;

/// <summary>Element types of ONNX tensors (<c>ONNXTensorElementDataType</c>), the ones this binding names.</summary>
public enum OnnxElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
}

/// <summary>A model input or output: its name, element type and shape (-1 for a dynamic axis).</summary>
public sealed record OnnxNodeInfo(string Name, OnnxElementType ElementType, IReadOnlyList<long> Shape);

/// <summary>
/// An input tensor over managed memory: the array is pinned for the duration of the run, not copied.
/// </summary>
public sealed class OnnxInput
{
    private OnnxInput(string name, Array data, long[] shape, OnnxElementType type, int elementSize)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Input '{name}' has a negative dimension in shape [{string.Join(", ", shape)}].", nameof(shape));
            }

            count *= d;
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"Input '{name}' has {data.Length} elements but shape [{string.Join(", ", shape)}] needs {count}.", nameof(shape));
        }

        Name = name;
        Data = data;
        Shape = shape;
        ElementType = type;
        ElementSize = elementSize;
    }

    public string Name { get; }

    public Array Data { get; }

    public IReadOnlyList<long> Shape { get; }

    public OnnxElementType ElementType { get; }

    internal int ElementSize { get; }

    public static OnnxInput Int64(string name, long[] data, params long[] shape) => new(name, data ?? throw new ArgumentNullException(nameof(data)), shape, OnnxElementType.Int64, sizeof(long));

    public static OnnxInput Int32(string name, int[] data, params long[] shape) => new(name, data ?? throw new ArgumentNullException(nameof(data)), shape, OnnxElementType.Int32, sizeof(int));

    public static OnnxInput Float(string name, float[] data, params long[] shape) => new(name, data ?? throw new ArgumentNullException(nameof(data)), shape, OnnxElementType.Float, sizeof(float));
}

/// <summary>A float output tensor copied out of ONNX Runtime's memory.</summary>
public sealed class OnnxOutput
{
    public OnnxOutput(string name, long[] shape, float[] data)
    {
        Name = name;
        Shape = shape;
        Data = data;
    }

    public string Name { get; }

    public IReadOnlyList<long> Shape { get; }

    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }
}
