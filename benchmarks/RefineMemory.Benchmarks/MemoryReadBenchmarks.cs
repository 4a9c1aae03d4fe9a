using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using RefineMemory.Retrieve;

namespace RefineMemory.Benchmarks;

/// <summary>
/// The machine's memory-read limit: a parallel sum over as many bytes as a 1M x 384 scan reads (the 8-bit copy,
/// and the float32 rows), on every core, chunked like the index's scan. A scan cannot beat this; the ratio of a
/// scan's GB/s to this one says how close to the limit it runs.
/// </summary>
[Config(typeof(ThroughputConfig))]
public class MemoryReadBenchmarks
{
    private const int Chunks = 64;
    private byte[] _buffer = [];

    [Params(ScanQuantization.Int8, ScanQuantization.None)]
    public ScanQuantization SizedAs { get; set; }

    /// <summary>Bytes summed per operation: those of a 1M x 384 scan.</summary>
    public long Bytes => RescoreBenchmarks.ScanBytes(1_000_000, SizedAs);

    [GlobalSetup]
    public void Setup()
    {
        _buffer = GC.AllocateUninitializedArray<byte>((int)Bytes);
        new Random(3).NextBytes(_buffer);
    }

    [Benchmark]
    public ulong ParallelSum()
    {
        long chunk = ((_buffer.Length / Chunks) + 31) & ~31L;
        var partial = new ulong[Chunks];
        Parallel.For(0, Chunks, c =>
        {
            long start = c * chunk;
            long end = Math.Min(_buffer.Length, start + chunk);
            partial[c] = start < end ? Sum(_buffer.AsSpan((int)start, (int)(end - start))) : 0;
        });

        ulong total = 0;
        foreach (ulong p in partial)
        {
            total += p;
        }

        return total;
    }

    private static ulong Sum(ReadOnlySpan<byte> bytes)
    {
        ref byte b = ref MemoryMarshal.GetReference(bytes);
        Vector256<ulong> a0 = Vector256<ulong>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 128 <= bytes.Length; i += 128)
        {
            a0 += Vector256.LoadUnsafe(ref Unsafe.As<byte, ulong>(ref Unsafe.Add(ref b, i)));
            a1 += Vector256.LoadUnsafe(ref Unsafe.As<byte, ulong>(ref Unsafe.Add(ref b, i + 32)));
            a2 += Vector256.LoadUnsafe(ref Unsafe.As<byte, ulong>(ref Unsafe.Add(ref b, i + 64)));
            a3 += Vector256.LoadUnsafe(ref Unsafe.As<byte, ulong>(ref Unsafe.Add(ref b, i + 96)));
        }

        ulong sum = Vector256.Sum(a0 + a1 + a2 + a3);
        for (; i < bytes.Length; i++)
        {
            sum += bytes[i];
        }

        return sum;
    }
}
