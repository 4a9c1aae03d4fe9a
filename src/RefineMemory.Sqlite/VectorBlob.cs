using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace RefineMemory.Sqlite;

/// <summary>Embeddings as blobs: little-endian float32, dimension = byte length / 4.</summary>
internal static class VectorBlob
{
    public static byte[] ToBytes(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(vector).CopyTo(bytes);
        }
        else
        {
            for (int i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), vector[i]);
            }
        }

        return bytes;
    }

    public static float[] ToVector(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new InvalidDataException($"A stored vector blob has {bytes.Length} bytes, not a multiple of 4; the database is damaged.");
        }

        var vector = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        }

        return vector;
    }
}
