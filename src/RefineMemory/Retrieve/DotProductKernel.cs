using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RefineMemory.Retrieve;

/// <summary>
/// Dot products of one query against many contiguous rows. Four rows share each load of the query, so the
/// scan is bound by memory bandwidth rather than by loads; falls back to <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
/// where the vector width does not divide the dimension. A row's score does not depend on the rows around it
/// (<see cref="ScoreRow"/> sums in the same order as the four-row kernels), so re-ranking a few rows gives
/// bit-for-bit the scores a full scan gives.
/// </summary>
internal static class DotProductKernel
{
    /// <summary>Writes <c>scores[i] = rows[i] · query</c> for <c>scores.Length</c> rows of <c>query.Length</c> floats.</summary>
    public static void Score(ReadOnlySpan<float> rows, ReadOnlySpan<float> query, Span<float> scores)
    {
        int d = query.Length;
        int n = scores.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && d % Vector512<float>.Count == 0)
        {
            for (; i + 4 <= n; i += 4)
            {
                Score4x512(rows.Slice(i * d, 4 * d), query, scores.Slice(i, 4));
            }
        }
        else if (Vector256.IsHardwareAccelerated && d % Vector256<float>.Count == 0)
        {
            for (; i + 4 <= n; i += 4)
            {
                Score4x256(rows.Slice(i * d, 4 * d), query, scores.Slice(i, 4));
            }
        }

        for (; i < n; i++)
        {
            scores[i] = ScoreRow(rows.Slice(i * d, d), query);
        }
    }

    /// <summary>One row's score, summed exactly as <see cref="Score"/> sums it.</summary>
    public static float ScoreRow(ReadOnlySpan<float> row, ReadOnlySpan<float> query)
    {
        int d = query.Length;
        ref float q = ref MemoryMarshal.GetReference(query);
        ref float r = ref MemoryMarshal.GetReference(row);
        if (Vector512.IsHardwareAccelerated && d % Vector512<float>.Count == 0)
        {
            var a = Vector512<float>.Zero;
            for (int k = 0; k < d; k += Vector512<float>.Count)
            {
                a = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r, (nuint)k), Vector512.LoadUnsafe(ref q, (nuint)k), a);
            }

            return Vector512.Sum(a);
        }

        if (Vector256.IsHardwareAccelerated && d % Vector256<float>.Count == 0)
        {
            var a = Vector256<float>.Zero;
            for (int k = 0; k < d; k += Vector256<float>.Count)
            {
                a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r, (nuint)k), Vector256.LoadUnsafe(ref q, (nuint)k), a);
            }

            return Vector256.Sum(a);
        }

        return TensorPrimitives.Dot(row[..d], query);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Score4x512(ReadOnlySpan<float> rows, ReadOnlySpan<float> query, Span<float> scores)
    {
        int d = query.Length;
        ref float q = ref MemoryMarshal.GetReference(query);
        ref float r0 = ref MemoryMarshal.GetReference(rows);
        ref float r1 = ref Unsafe.Add(ref r0, d);
        ref float r2 = ref Unsafe.Add(ref r0, 2 * d);
        ref float r3 = ref Unsafe.Add(ref r0, 3 * d);
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < d; k += Vector512<float>.Count)
        {
            var qv = Vector512.LoadUnsafe(ref q, (nuint)k);
            a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r0, (nuint)k), qv, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r1, (nuint)k), qv, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r2, (nuint)k), qv, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref r3, (nuint)k), qv, a3);
        }

        scores[0] = Vector512.Sum(a0);
        scores[1] = Vector512.Sum(a1);
        scores[2] = Vector512.Sum(a2);
        scores[3] = Vector512.Sum(a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Score4x256(ReadOnlySpan<float> rows, ReadOnlySpan<float> query, Span<float> scores)
    {
        int d = query.Length;
        ref float q = ref MemoryMarshal.GetReference(query);
        ref float r0 = ref MemoryMarshal.GetReference(rows);
        ref float r1 = ref Unsafe.Add(ref r0, d);
        ref float r2 = ref Unsafe.Add(ref r0, 2 * d);
        ref float r3 = ref Unsafe.Add(ref r0, 3 * d);
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < d; k += Vector256<float>.Count)
        {
            var qv = Vector256.LoadUnsafe(ref q, (nuint)k);
            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r0, (nuint)k), qv, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r1, (nuint)k), qv, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r2, (nuint)k), qv, a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r3, (nuint)k), qv, a3);
        }

        scores[0] = Vector256.Sum(a0);
        scores[1] = Vector256.Sum(a1);
        scores[2] = Vector256.Sum(a2);
        scores[3] = Vector256.Sum(a3);
    }
}
