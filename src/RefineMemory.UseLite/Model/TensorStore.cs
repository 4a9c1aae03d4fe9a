using System.Runtime.InteropServices;
using System.Text.Json;

namespace RefineMemory.UseLite.Model;

/// <summary>
/// The named tensors of a TF.js graph model: the <c>weightsManifest</c> of model.json read against its binary
/// shards (float32 and int32, little-endian, concatenated in manifest order).
/// </summary>
internal sealed class TensorStore
{
    private readonly Dictionary<string, (int[] Shape, float[]? Floats, int[]? Ints)> _tensors;

    private TensorStore(Dictionary<string, (int[], float[]?, int[]?)> tensors, string source)
    {
        _tensors = tensors;
        Source = source;
    }

    /// <summary>The model.json path, for error messages.</summary>
    public string Source { get; }

    public static TensorStore Load(UseLiteModelFiles files)
    {
        string path = files.ModelJson;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var tensors = new Dictionary<string, (int[], float[]?, int[]?)>(StringComparer.Ordinal);
            foreach (JsonElement group in doc.RootElement.GetProperty("weightsManifest").EnumerateArray())
            {
                byte[] bytes = ReadShards(files, group.GetProperty("paths"));
                int offset = 0;
                foreach (JsonElement weight in group.GetProperty("weights").EnumerateArray())
                {
                    string name = weight.GetProperty("name").GetString()!;
                    int[] shape = weight.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                    string dtype = weight.GetProperty("dtype").GetString()!;
                    if (weight.TryGetProperty("quantization", out _))
                    {
                        throw new InvalidDataException($"'{path}': weight '{name}' is quantized; only float32/int32 weights are supported.");
                    }

                    int count = shape.Aggregate(1, (a, b) => checked(a * b));
                    int length = checked(count * 4);
                    if (offset + length > bytes.Length)
                    {
                        throw new InvalidDataException($"'{path}': the weight shards end before weight '{name}' ({bytes.Length} bytes).");
                    }

                    ReadOnlySpan<byte> slice = bytes.AsSpan(offset, length);
                    tensors[name] = dtype switch
                    {
                        "float32" => (shape, MemoryMarshal.Cast<byte, float>(slice).ToArray(), null),
                        "int32" => (shape, null, MemoryMarshal.Cast<byte, int>(slice).ToArray()),
                        _ => throw new InvalidDataException($"'{path}': weight '{name}' has unsupported dtype '{dtype}'."),
                    };
                    offset += length;
                }

                if (offset != bytes.Length)
                {
                    throw new InvalidDataException($"'{path}': the manifest describes {offset} bytes but the shards hold {bytes.Length}.");
                }
            }

            return new TensorStore(tensors, path);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or OverflowException)
        {
            throw new InvalidDataException($"'{path}' is not a readable TF.js model manifest ({ex.Message}): {UseLiteModelFiles.SetupHint}.", ex);
        }
    }

    private static byte[] ReadShards(UseLiteModelFiles files, JsonElement paths)
    {
        string[] shardPaths = paths.EnumerateArray().Select(p => files.ShardPath(p.GetString()!)).ToArray();
        long total = shardPaths.Sum(p => new FileInfo(p).Length);
        byte[] bytes = new byte[total];
        int at = 0;
        foreach (string shard in shardPaths)
        {
            using var stream = File.OpenRead(shard);
            stream.ReadExactly(bytes, at, (int)stream.Length);
            at += (int)stream.Length;
        }

        return bytes;
    }

    /// <summary>A float tensor with the given shape (checked), as a flat row-major array.</summary>
    public float[] Floats(string name, params int[] shape)
    {
        var (actual, floats, _) = Get(name, shape);
        return floats ?? throw new InvalidDataException($"'{Source}': weight '{name}' is not float32 (shape {Format(actual)}).");
    }

    /// <summary>A float scalar (shape [] or [1]).</summary>
    public float FloatScalar(string name) => Floats(name, [])[0];

    /// <summary>An int32 scalar (shape []).</summary>
    public int IntScalar(string name)
    {
        var (actual, _, ints) = Get(name, []);
        return ints is null ? throw new InvalidDataException($"'{Source}': weight '{name}' is not int32 (shape {Format(actual)}).") : ints[0];
    }

    private (int[] Shape, float[]? Floats, int[]? Ints) Get(string name, int[] shape)
    {
        if (!_tensors.TryGetValue(name, out var tensor))
        {
            throw new InvalidDataException($"'{Source}': weight '{name}' is missing; this is not the USE-Lite graph.");
        }

        if (!tensor.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new InvalidDataException($"'{Source}': weight '{name}' has shape {Format(tensor.Shape)}, expected {Format(shape)}.");
        }

        return tensor;
    }

    private static string Format(int[] shape) => "[" + string.Join(",", shape) + "]";
}
