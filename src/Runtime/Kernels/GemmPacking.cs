using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DiffGen.Kernels;

/// <summary>
/// The two ways of filling one packed micro-panel (<c>width</c> values per step p, for p = 0..kc-1), whichever
/// operand it belongs to:
/// <list type="bullet">
/// <item><see cref="Copy"/>: the <c>width</c> values of one step are contiguous in the source (op(B) = B, op(A) = Aᵀ);
/// it fills all the panels of a block at once.</item>
/// <item><see cref="Transpose"/>: each of the <c>count</c> source rows holds one panel lane for every step
/// (op(A) = A, op(B) = Bᵀ), so the panel is a transpose of the source block.</item>
/// </list>
/// Lanes from <c>count</c> to <c>width</c> (beyond the matrix edge) are filled with zeros.
/// </summary>
internal static unsafe class GemmPacking<T>
    where T : unmanaged, INumber<T>
{
    /// <summary>
    /// The copy case for a whole block of panels: panel s (starting at <c>packed + s * unit * kc</c>) gets, for each p,
    /// the values <c>source[p * ld + s * unit ..]</c>, its last panel being <paramref name="lastWidth"/> wide.
    /// </summary>
    /// <remarks>
    /// The block is walked one source row at a time, each row read from start to end and scattered into the panels:
    /// walking panel by panel instead would touch every row of the block for each panel, too many streams for the
    /// hardware prefetcher when the rows are long (im2col matrices), and every line would then come from memory on demand.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy(T* source, nint ld, int total, int kc, int unit, int lastWidth, T* packed)
    {
        for (int p = 0; p < kc; p++)
        {
            T* row = source + (p * ld);
            for (int start = 0; start < total; start += unit)
            {
                int count = Math.Min(unit, total - start);
                int width = count == unit ? unit : lastWidth;
                CopyRow(row + start, count, width, packed + (start * kc) + (p * width));
            }
        }
    }

    /// <summary>to[i] = from[i] for i &lt; count, zero for count &lt;= i &lt; width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(T* from, int count, int width, T* to)
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + Vector128<T>.Count <= count; i += Vector128<T>.Count)
            {
                Vector128.Store(Vector128.Load(from + i), to + i);
            }
        }

        for (; i < count; i++)
        {
            to[i] = from[i];
        }

        for (; i < width; i++)
        {
            to[i] = T.Zero;
        }
    }

    /// <summary>panel[p * width + i] = source[i * ld + p] for i &lt; count, zero for count &lt;= i &lt; width.</summary>
    /// <remarks>
    /// With AVX, four source rows at a time are transposed in registers, 8 floats or 4 doubles of each row per step,
    /// and written as 4-lane pieces of consecutive panel rows; the rows and steps left over go one value at a time.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(T* source, nint ld, int count, int kc, int width, T* panel)
    {
        int i = 0;
        if (Avx.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            int step = typeof(T) == typeof(float) ? 8 : 4;
            int kcVector = kc - (kc % step);
            for (; i + 4 <= count; i += 4)
            {
                T* rows = source + (i * ld);
                T* lanes = panel + i;
                for (int p = 0; p < kcVector; p += step)
                {
                    if (typeof(T) == typeof(float))
                    {
                        Transpose4x8((float*)(rows + p), ld, (float*)(lanes + (p * width)), width);
                    }
                    else
                    {
                        Transpose4x4((double*)(rows + p), ld, (double*)(lanes + (p * width)), width);
                    }
                }

                for (int p = kcVector; p < kc; p++)
                {
                    for (int r = 0; r < 4; r++)
                    {
                        lanes[(p * width) + r] = rows[(r * ld) + p];
                    }
                }
            }
        }

        for (; i < count; i++)
        {
            T* row = source + (i * ld);
            for (int p = 0; p < kc; p++)
            {
                panel[(p * width) + i] = row[p];
            }
        }

        for (; i < width; i++)
        {
            for (int p = 0; p < kc; p++)
            {
                panel[(p * width) + i] = T.Zero;
            }
        }
    }

    /// <summary>Rows r0..r3 (8 floats each, stride <paramref name="ld"/>) become 8 groups of 4 at stride <paramref name="width"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x8(float* source, nint ld, float* target, int width)
    {
        Vector256<float> r0 = Avx.LoadVector256(source);
        Vector256<float> r1 = Avx.LoadVector256(source + ld);
        Vector256<float> r2 = Avx.LoadVector256(source + (2 * ld));
        Vector256<float> r3 = Avx.LoadVector256(source + (3 * ld));

        // t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], t1 the same for [2], [3] | [6], [7]; t2, t3 for r2, r3.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);

        // u0 = r0[0] r1[0] r2[0] r3[0] | the same for [4]; u1 for [1] | [5]; u2 for [2] | [6]; u3 for [3] | [7].
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);

        u0.GetLower().Store(target);
        u1.GetLower().Store(target + width);
        u2.GetLower().Store(target + (2 * width));
        u3.GetLower().Store(target + (3 * width));
        u0.GetUpper().Store(target + (4 * width));
        u1.GetUpper().Store(target + (5 * width));
        u2.GetUpper().Store(target + (6 * width));
        u3.GetUpper().Store(target + (7 * width));
    }

    /// <summary>Rows r0..r3 (4 doubles each, stride <paramref name="ld"/>) become 4 groups of 4 at stride <paramref name="width"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(double* source, nint ld, double* target, int width)
    {
        Vector256<double> r0 = Avx.LoadVector256(source);
        Vector256<double> r1 = Avx.LoadVector256(source + ld);
        Vector256<double> r2 = Avx.LoadVector256(source + (2 * ld));
        Vector256<double> r3 = Avx.LoadVector256(source + (3 * ld));

        // t0 = r0[0] r1[0] | r0[2] r1[2], t1 = r0[1] r1[1] | r0[3] r1[3]; t2, t3 the same for r2, r3.
        Vector256<double> t0 = Avx.UnpackLow(r0, r1);
        Vector256<double> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<double> t2 = Avx.UnpackLow(r2, r3);
        Vector256<double> t3 = Avx.UnpackHigh(r2, r3);

        Avx.Permute2x128(t0, t2, 0x20).Store(target);
        Avx.Permute2x128(t1, t3, 0x20).Store(target + width);
        Avx.Permute2x128(t0, t2, 0x31).Store(target + (2 * width));
        Avx.Permute2x128(t1, t3, 0x31).Store(target + (3 * width));
    }
}
