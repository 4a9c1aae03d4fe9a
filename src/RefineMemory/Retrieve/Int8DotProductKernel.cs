using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RefineMemory.Retrieve;

/// <summary>
/// Integer dot products of one 16-bit query against many contiguous 8-bit rows, exact in 32-bit integers
/// (<see cref="QuantizedQuery"/> bounds the query so no sum can overflow). On AVX2 each 16 bytes of a row are
/// sign-extended and multiplied pairwise with <c>vpmaddwd</c>, four rows sharing each query load; elsewhere a
/// scalar loop gives the same integers.
/// </summary>
internal static class Int8DotProductKernel
{
    /// <summary>Writes <c>dots[i] = rows[i] · query</c> for <c>dots.Length</c> rows of <c>query.Length</c> bytes.</summary>
    public static void Score(ReadOnlySpan<sbyte> rows, ReadOnlySpan<short> query, Span<int> dots)
    {
        int d = query.Length;
        int n = dots.Length;
        int i = 0;
        if (Avx2.IsSupported && d % Vector128<sbyte>.Count == 0)
        {
            for (; i + 4 <= n; i += 4)
            {
                Score4Avx2(rows.Slice(i * d, 4 * d), query, dots.Slice(i, 4));
            }
        }

        for (; i < n; i++)
        {
            dots[i] = ScoreRowScalar(rows.Slice(i * d, d), query);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Score4Avx2(ReadOnlySpan<sbyte> rows, ReadOnlySpan<short> query, Span<int> dots)
    {
        int d = query.Length;
        ref short q = ref MemoryMarshal.GetReference(query);
        ref sbyte r0 = ref MemoryMarshal.GetReference(rows);
        ref sbyte r1 = ref Unsafe.Add(ref r0, d);
        ref sbyte r2 = ref Unsafe.Add(ref r0, 2 * d);
        ref sbyte r3 = ref Unsafe.Add(ref r0, 3 * d);
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < d; k += Vector128<sbyte>.Count)
        {
            var qv = Vector256.LoadUnsafe(ref q, (nuint)k);
            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r0, (nuint)k)), qv));
            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r1, (nuint)k)), qv));
            a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r2, (nuint)k)), qv));
            a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref r3, (nuint)k)), qv));
        }

        dots[0] = Vector256.Sum(a0);
        dots[1] = Vector256.Sum(a1);
        dots[2] = Vector256.Sum(a2);
        dots[3] = Vector256.Sum(a3);
    }

    /// <summary>The reference: plain integer arithmetic, also used where AVX2 is missing or cannot tile the row.</summary>
    internal static int ScoreRowScalar(ReadOnlySpan<sbyte> row, ReadOnlySpan<short> query)
    {
        int sum = 0;
        for (int k = 0; k < query.Length; k++)
        {
            sum += row[k] * query[k];
        }

        return sum;
    }
}
