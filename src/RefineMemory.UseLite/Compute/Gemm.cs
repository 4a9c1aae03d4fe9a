using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RefineMemory.UseLite.Compute;

/// <summary>
/// C[M, N] = A[M, K] · B + bias, B pre-packed (<see cref="PackedMatrix"/>). A register-tiled kernel (6 rows x 32
/// columns of accumulators) over K blocks that keep a B panel block in L1; AVX-512, AVX2 or 128-bit (NEON/SSE)
/// vectors, whichever the machine accelerates, with a TensorPrimitives row-update fallback elsewhere. Every path
/// accumulates with fused multiply-adds in the same k order. No allocation.
/// </summary>
internal static class Gemm
{
    private const int RowTile = 6;
    private const int KBlock = 256;

    public static void Multiply(ReadOnlySpan<float> a, int m, PackedMatrix b, Span<float> c)
    {
        int k = b.Rows;
        int n = b.Columns;
        if (a.Length < m * k || c.Length < m * n)
        {
            throw new ArgumentException($"GEMM buffers too small for [{m},{k}]·[{k},{n}].", nameof(a));
        }

        for (int row = 0; row < m; row++)
        {
            b.Bias.AsSpan().CopyTo(c.Slice(row * n, n));
        }

        if (!Vector128.IsHardwareAccelerated)
        {
            MultiplyPortable(a, m, b, c);
            return;
        }

        for (int k0 = 0; k0 < k; k0 += KBlock)
        {
            int kc = Math.Min(KBlock, k - k0);
            for (int p = 0; p < n / PackedMatrix.PanelWidth; p++)
            {
                ReadOnlySpan<float> panel = b.Panels.AsSpan(((p * k) + k0) * PackedMatrix.PanelWidth, kc * PackedMatrix.PanelWidth);
                int column = p * PackedMatrix.PanelWidth;
                int row = 0;
                for (; row + RowTile <= m; row += RowTile)
                {
                    Tile6(a.Slice((row * k) + k0), k, panel, kc, c.Slice((row * n) + column), n);
                }

                for (; row < m; row++)
                {
                    Tile1(a.Slice((row * k) + k0), panel, kc, c.Slice((row * n) + column));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile6(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> panel, int kc, Span<float> c, int ldc)
    {
        fixed (float* pa = a)
        fixed (float* pb = panel)
        fixed (float* pc = c)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                Tile6Avx512(pa, lda, pb, kc, pc, ldc);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Tile6Avx2(pa, lda, pb, kc, pc, ldc);
            }
            else
            {
                Tile6Vector128(pa, lda, pb, kc, pc, ldc);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile6Avx512(float* a, int lda, float* b, int kc, float* c, int ldc)
    {
        float* c0 = c, c1 = c + ldc, c2 = c + (2 * ldc), c3 = c + (3 * ldc), c4 = c + (4 * ldc), c5 = c + (5 * ldc);
        Vector512<float> x00 = Vector512.Load(c0), x01 = Vector512.Load(c0 + 16);
        Vector512<float> x10 = Vector512.Load(c1), x11 = Vector512.Load(c1 + 16);
        Vector512<float> x20 = Vector512.Load(c2), x21 = Vector512.Load(c2 + 16);
        Vector512<float> x30 = Vector512.Load(c3), x31 = Vector512.Load(c3 + 16);
        Vector512<float> x40 = Vector512.Load(c4), x41 = Vector512.Load(c4 + 16);
        Vector512<float> x50 = Vector512.Load(c5), x51 = Vector512.Load(c5 + 16);
        float* a0 = a, a1 = a + lda, a2 = a + (2 * lda), a3 = a + (3 * lda), a4 = a + (4 * lda), a5 = a + (5 * lda);
        for (int kk = 0; kk < kc; kk++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            b += PackedMatrix.PanelWidth;
            Vector512<float> s = Vector512.Create(a0[kk]);
            x00 = Vector512.FusedMultiplyAdd(s, b0, x00);
            x01 = Vector512.FusedMultiplyAdd(s, b1, x01);
            s = Vector512.Create(a1[kk]);
            x10 = Vector512.FusedMultiplyAdd(s, b0, x10);
            x11 = Vector512.FusedMultiplyAdd(s, b1, x11);
            s = Vector512.Create(a2[kk]);
            x20 = Vector512.FusedMultiplyAdd(s, b0, x20);
            x21 = Vector512.FusedMultiplyAdd(s, b1, x21);
            s = Vector512.Create(a3[kk]);
            x30 = Vector512.FusedMultiplyAdd(s, b0, x30);
            x31 = Vector512.FusedMultiplyAdd(s, b1, x31);
            s = Vector512.Create(a4[kk]);
            x40 = Vector512.FusedMultiplyAdd(s, b0, x40);
            x41 = Vector512.FusedMultiplyAdd(s, b1, x41);
            s = Vector512.Create(a5[kk]);
            x50 = Vector512.FusedMultiplyAdd(s, b0, x50);
            x51 = Vector512.FusedMultiplyAdd(s, b1, x51);
        }

        x00.Store(c0); x01.Store(c0 + 16);
        x10.Store(c1); x11.Store(c1 + 16);
        x20.Store(c2); x21.Store(c2 + 16);
        x30.Store(c3); x31.Store(c3 + 16);
        x40.Store(c4); x41.Store(c4 + 16);
        x50.Store(c5); x51.Store(c5 + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile6Avx2(float* a, int lda, float* b, int kc, float* c, int ldc)
    {
        // 32 columns are four 8-wide vectors; three rows at a time keep 12 accumulators in registers.
        for (int half = 0; half < 2; half++)
        {
            float* ar = a + (half * 3 * lda);
            float* cr = c + (half * 3 * ldc);
            float* c0 = cr, c1 = cr + ldc, c2 = cr + (2 * ldc);
            Vector256<float> x00 = Vector256.Load(c0), x01 = Vector256.Load(c0 + 8), x02 = Vector256.Load(c0 + 16), x03 = Vector256.Load(c0 + 24);
            Vector256<float> x10 = Vector256.Load(c1), x11 = Vector256.Load(c1 + 8), x12 = Vector256.Load(c1 + 16), x13 = Vector256.Load(c1 + 24);
            Vector256<float> x20 = Vector256.Load(c2), x21 = Vector256.Load(c2 + 8), x22 = Vector256.Load(c2 + 16), x23 = Vector256.Load(c2 + 24);
            float* a0 = ar, a1 = ar + lda, a2 = ar + (2 * lda);
            float* bp = b;
            for (int kk = 0; kk < kc; kk++)
            {
                Vector256<float> b0 = Vector256.Load(bp), b1 = Vector256.Load(bp + 8), b2 = Vector256.Load(bp + 16), b3 = Vector256.Load(bp + 24);
                bp += PackedMatrix.PanelWidth;
                Vector256<float> s = Vector256.Create(a0[kk]);
                x00 = Vector256.FusedMultiplyAdd(s, b0, x00); x01 = Vector256.FusedMultiplyAdd(s, b1, x01);
                x02 = Vector256.FusedMultiplyAdd(s, b2, x02); x03 = Vector256.FusedMultiplyAdd(s, b3, x03);
                s = Vector256.Create(a1[kk]);
                x10 = Vector256.FusedMultiplyAdd(s, b0, x10); x11 = Vector256.FusedMultiplyAdd(s, b1, x11);
                x12 = Vector256.FusedMultiplyAdd(s, b2, x12); x13 = Vector256.FusedMultiplyAdd(s, b3, x13);
                s = Vector256.Create(a2[kk]);
                x20 = Vector256.FusedMultiplyAdd(s, b0, x20); x21 = Vector256.FusedMultiplyAdd(s, b1, x21);
                x22 = Vector256.FusedMultiplyAdd(s, b2, x22); x23 = Vector256.FusedMultiplyAdd(s, b3, x23);
            }

            x00.Store(c0); x01.Store(c0 + 8); x02.Store(c0 + 16); x03.Store(c0 + 24);
            x10.Store(c1); x11.Store(c1 + 8); x12.Store(c1 + 16); x13.Store(c1 + 24);
            x20.Store(c2); x21.Store(c2 + 8); x22.Store(c2 + 16); x23.Store(c2 + 24);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile6Vector128(float* a, int lda, float* b, int kc, float* c, int ldc)
    {
        // 32 columns are eight 4-wide vectors; two rows at a time keep 16 accumulators (NEON has 32 registers).
        for (int pair = 0; pair < 3; pair++)
        {
            float* a0 = a + (2 * pair * lda), a1 = a0 + lda;
            float* c0 = c + (2 * pair * ldc), c1 = c0 + ldc;
            Vector128<float> x00 = Vector128.Load(c0), x01 = Vector128.Load(c0 + 4), x02 = Vector128.Load(c0 + 8), x03 = Vector128.Load(c0 + 12);
            Vector128<float> x04 = Vector128.Load(c0 + 16), x05 = Vector128.Load(c0 + 20), x06 = Vector128.Load(c0 + 24), x07 = Vector128.Load(c0 + 28);
            Vector128<float> x10 = Vector128.Load(c1), x11 = Vector128.Load(c1 + 4), x12 = Vector128.Load(c1 + 8), x13 = Vector128.Load(c1 + 12);
            Vector128<float> x14 = Vector128.Load(c1 + 16), x15 = Vector128.Load(c1 + 20), x16 = Vector128.Load(c1 + 24), x17 = Vector128.Load(c1 + 28);
            float* bp = b;
            for (int kk = 0; kk < kc; kk++)
            {
                Vector128<float> s0 = Vector128.Create(a0[kk]);
                Vector128<float> s1 = Vector128.Create(a1[kk]);
                Vector128<float> v = Vector128.Load(bp);
                x00 = Vector128.FusedMultiplyAdd(s0, v, x00); x10 = Vector128.FusedMultiplyAdd(s1, v, x10);
                v = Vector128.Load(bp + 4);
                x01 = Vector128.FusedMultiplyAdd(s0, v, x01); x11 = Vector128.FusedMultiplyAdd(s1, v, x11);
                v = Vector128.Load(bp + 8);
                x02 = Vector128.FusedMultiplyAdd(s0, v, x02); x12 = Vector128.FusedMultiplyAdd(s1, v, x12);
                v = Vector128.Load(bp + 12);
                x03 = Vector128.FusedMultiplyAdd(s0, v, x03); x13 = Vector128.FusedMultiplyAdd(s1, v, x13);
                v = Vector128.Load(bp + 16);
                x04 = Vector128.FusedMultiplyAdd(s0, v, x04); x14 = Vector128.FusedMultiplyAdd(s1, v, x14);
                v = Vector128.Load(bp + 20);
                x05 = Vector128.FusedMultiplyAdd(s0, v, x05); x15 = Vector128.FusedMultiplyAdd(s1, v, x15);
                v = Vector128.Load(bp + 24);
                x06 = Vector128.FusedMultiplyAdd(s0, v, x06); x16 = Vector128.FusedMultiplyAdd(s1, v, x16);
                v = Vector128.Load(bp + 28);
                x07 = Vector128.FusedMultiplyAdd(s0, v, x07); x17 = Vector128.FusedMultiplyAdd(s1, v, x17);
                bp += PackedMatrix.PanelWidth;
            }

            x00.Store(c0); x01.Store(c0 + 4); x02.Store(c0 + 8); x03.Store(c0 + 12);
            x04.Store(c0 + 16); x05.Store(c0 + 20); x06.Store(c0 + 24); x07.Store(c0 + 28);
            x10.Store(c1); x11.Store(c1 + 4); x12.Store(c1 + 8); x13.Store(c1 + 12);
            x14.Store(c1 + 16); x15.Store(c1 + 20); x16.Store(c1 + 24); x17.Store(c1 + 28);
        }
    }

    /// <summary>
    /// One row against one panel block: the row tail of <see cref="Multiply"/>. Fused like the tiles, so a row's
    /// result does not depend on where it falls in the batch.
    /// </summary>
    private static void Tile1(ReadOnlySpan<float> a, ReadOnlySpan<float> panel, int kc, Span<float> c)
    {
        Span<float> row = c[..PackedMatrix.PanelWidth];
        for (int kk = 0; kk < kc; kk++)
        {
            TensorPrimitives.FusedMultiplyAdd(panel.Slice(kk * PackedMatrix.PanelWidth, PackedMatrix.PanelWidth), a[kk], row, row);
        }
    }

    private static void MultiplyPortable(ReadOnlySpan<float> a, int m, PackedMatrix b, Span<float> c)
    {
        int k = b.Rows;
        int n = b.Columns;
        for (int p = 0; p < n / PackedMatrix.PanelWidth; p++)
        {
            ReadOnlySpan<float> panel = b.Panels.AsSpan(p * k * PackedMatrix.PanelWidth, k * PackedMatrix.PanelWidth);
            for (int row = 0; row < m; row++)
            {
                Tile1(a.Slice(row * k, k), panel, k, c.Slice((row * n) + (p * PackedMatrix.PanelWidth)));
            }
        }
    }
}
