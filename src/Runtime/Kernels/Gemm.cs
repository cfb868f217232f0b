using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DiffGen.Kernels;

/// <summary>
/// General matrix multiplication on row-major spans: <c>C = alpha * op(A) * op(B) + beta * C</c>, the BLAS
/// <c>?gemm</c> operation, in managed code.
/// </summary>
/// <remarks>
/// <para>
/// All matrices are row-major. <c>op(X)</c> is <c>X</c>, or its transpose when the matching <c>transpose</c> flag is
/// set; <c>op(A)</c> is <c>m x k</c>, <c>op(B)</c> is <c>k x n</c> and <c>C</c> is <c>m x n</c>. A leading dimension
/// (<c>lda</c>, <c>ldb</c>, <c>ldc</c>) is the distance between the starts of two consecutive stored rows, at least the
/// stored row length, so a matrix can be a window of a wider one.
/// </para>
/// <para>
/// As in BLAS, when <c>beta</c> is zero C is not read, so NaNs or infinities already in C do not reach the result; when
/// <c>alpha</c> is zero or <c>k</c> is zero, A and B are not read and C becomes <c>beta * C</c>.
/// </para>
/// <para>
/// Implementation: cache-blocked with packed panels and a register-blocked micro-kernel (AVX-512, AVX2 + FMA, or a
/// portable <see cref="Vector{T}"/> kernel, picked once from the hardware). Float and double use the same scheme.
/// </para>
/// <para>
/// Threads: a product of at least <see cref="ParallelThreshold"/> multiply-adds (<c>m * n * k</c>) is split into one part
/// per core (at most 8), by columns or rows of C. The calling thread and persistent background helper threads (one per
/// additional core, started by the first parallel call) claim the parts; the calling thread takes the parts of a
/// helper that has not started yet, and the call returns only when C is complete. Smaller products run on the
/// calling thread alone. The result does not depend on the number of threads.
/// <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
/// may be called from several threads at once: one call at a time uses the helpers and the others run single-threaded.
/// </para>
/// <para>
/// Allocation: none per call once warm. The first call on a thread allocates that thread's packing memory (a pinned
/// array grown to the largest problem seen, at most about 8 MiB, kept until the thread ends); the first parallel call
/// starts the helper threads.
/// </para>
/// </remarks>
public static class Gemm
{
    /// <summary>
    /// The number of multiply-adds (<c>m * n * k</c>) from which a product is split across cores.
    /// </summary>
    public const long ParallelThreshold = 1L << 19;

    private static readonly GemmKernelKind s_kernel =
        Vector512.IsHardwareAccelerated ? GemmKernelKind.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmKernelKind.Vector256
        : GemmKernelKind.Portable;

    /// <summary>The micro-kernel this process uses.</summary>
    internal static GemmKernelKind Kernel => s_kernel;

    /// <summary>
    /// Computes <c>C = alpha * op(A) * op(B) + beta * C</c> in single precision.
    /// </summary>
    /// <param name="transposeA">Whether <c>op(A)</c> is the transpose of the stored A (then A is stored <c>k x m</c>).</param>
    /// <param name="transposeB">Whether <c>op(B)</c> is the transpose of the stored B (then B is stored <c>n x k</c>).</param>
    /// <param name="m">Rows of <c>op(A)</c> and of C.</param>
    /// <param name="n">Columns of <c>op(B)</c> and of C.</param>
    /// <param name="k">Columns of <c>op(A)</c>, rows of <c>op(B)</c>: the length of each dot product.</param>
    /// <param name="alpha">The factor of the product.</param>
    /// <param name="a">The stored A, row-major: <c>m x k</c>, or <c>k x m</c> when <paramref name="transposeA"/>.</param>
    /// <param name="lda">The leading dimension of A: the distance between its stored rows, at least their length.</param>
    /// <param name="b">The stored B, row-major: <c>k x n</c>, or <c>n x k</c> when <paramref name="transposeB"/>.</param>
    /// <param name="ldb">The leading dimension of B, at least its stored row length.</param>
    /// <param name="beta">The factor of the old C; zero means C is written without being read.</param>
    /// <param name="c">C, row-major <c>m x n</c>: read (unless <paramref name="beta"/> is zero) and overwritten.</param>
    /// <param name="ldc">The leading dimension of C, at least <paramref name="n"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or a leading dimension is shorter than its row.</exception>
    /// <exception cref="ArgumentException">A span is too short for its matrix, or C overlaps A or B.</exception>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
        => Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, s_kernel, GemmWorkers.Threads);

    /// <summary>
    /// Computes <c>C = alpha * op(A) * op(B) + beta * C</c> in double precision.
    /// </summary>
    /// <param name="transposeA">Whether <c>op(A)</c> is the transpose of the stored A (then A is stored <c>k x m</c>).</param>
    /// <param name="transposeB">Whether <c>op(B)</c> is the transpose of the stored B (then B is stored <c>n x k</c>).</param>
    /// <param name="m">Rows of <c>op(A)</c> and of C.</param>
    /// <param name="n">Columns of <c>op(B)</c> and of C.</param>
    /// <param name="k">Columns of <c>op(A)</c>, rows of <c>op(B)</c>: the length of each dot product.</param>
    /// <param name="alpha">The factor of the product.</param>
    /// <param name="a">The stored A, row-major: <c>m x k</c>, or <c>k x m</c> when <paramref name="transposeA"/>.</param>
    /// <param name="lda">The leading dimension of A: the distance between its stored rows, at least their length.</param>
    /// <param name="b">The stored B, row-major: <c>k x n</c>, or <c>n x k</c> when <paramref name="transposeB"/>.</param>
    /// <param name="ldb">The leading dimension of B, at least its stored row length.</param>
    /// <param name="beta">The factor of the old C; zero means C is written without being read.</param>
    /// <param name="c">C, row-major <c>m x n</c>: read (unless <paramref name="beta"/> is zero) and overwritten.</param>
    /// <param name="ldc">The leading dimension of C, at least <paramref name="n"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or a leading dimension is shorter than its row.</exception>
    /// <exception cref="ArgumentException">A span is too short for its matrix, or C overlaps A or B.</exception>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        double alpha, ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb,
        double beta, Span<double> c, int ldc)
        => Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, s_kernel, GemmWorkers.Threads);

    /// <summary>
    /// The implementation behind both public overloads, with the micro-kernel and the largest thread count explicit so
    /// that tests can run every kernel and the single-threaded path on any machine that supports them.
    /// </summary>
    /// <summary>Products with at most this many rows skip packing (<see cref="MultiplyRows"/>).</summary>
    private const int SmallRows = 2;

    internal static unsafe void Multiply<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc, GemmKernelKind kernel, int maxThreads)
        where T : unmanaged, INumber<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        a = a[..CheckMatrix(a.Length, transposeA ? k : m, transposeA ? m : k, lda, transposeA, "A", nameof(a), nameof(lda))];
        b = b[..CheckMatrix(b.Length, transposeB ? n : k, transposeB ? k : n, ldb, transposeB, "B", nameof(b), nameof(ldb))];
        c = c[..CheckMatrix(c.Length, m, n, ldc, transposed: false, "C", nameof(c), nameof(ldc))];
        if (c.Overlaps(a) || c.Overlaps(b))
        {
            throw new ArgumentException(
                $"C overlaps {(c.Overlaps(a) ? "A" : "B")} in memory; the result must go to storage of its own.", nameof(c));
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == T.Zero)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        if (m <= SmallRows)
        {
            MultiplyRows(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            var job = new GemmJob
            {
                TransposeA = transposeA,
                TransposeB = transposeB,
                M = m,
                N = n,
                K = k,
                Alpha = double.CreateTruncating(alpha),
                Beta = double.CreateTruncating(beta),
                A = pa,
                Lda = lda,
                B = pb,
                Ldb = ldb,
                C = pc,
                Ldc = ldc,
                Kernel = kernel,
                Parts = 1,
            };

            if (maxThreads > 1 && (long)m * n * k >= ParallelThreshold && ChooseSplit<T>(ref job, Math.Min(maxThreads, GemmWorkers.Threads))
                && GemmWorkers.TryRun(job, &GemmEngine<T>.RunPart))
            {
                return;
            }

            job.Parts = 1;
            GemmEngine<T>.RunPart(job, 0, PackingArena.ForCurrentThread);
        }
    }

    /// <summary>
    /// Picks how to cut C between <paramref name="threads"/> threads, by rows or by columns, in whole micro-tiles:
    /// the cut whose largest part has the fewest elements wins (16 x 150 cut by rows gives parts of 12 and 4 rows, by
    /// columns parts of 96 and 54 columns, so columns); on a tie, columns when op(A) is the smaller operand, since with
    /// a cut by columns every thread packs all of A, and by rows all of B. False when neither dimension has a micro-tile
    /// per thread.
    /// </summary>
    private static bool ChooseSplit<T>(ref GemmJob job, int threads)
        where T : unmanaged, INumber<T>
    {
        int mr = GemmMicroKernels<T>.RowsOf(job.Kernel);
        int nr = GemmMicroKernels<T>.ColumnsOf(job.Kernel);
        bool rowsFit = (job.M + mr - 1) / mr >= threads;
        bool columnsFit = (job.N + nr - 1) / nr >= threads;
        if (!columnsFit && !rowsFit)
        {
            return false;
        }

        long byRows = (long)LargestPart<T>(job.M, mr, threads) * job.N;
        long byColumns = (long)LargestPart<T>(job.N, nr, threads) * job.M;
        job.SplitColumns = !rowsFit || (columnsFit && (byColumns < byRows || (byColumns == byRows && job.M <= job.N)));
        job.Parts = threads;
        return true;
    }

    private static int LargestPart<T>(int length, int tile, int parts)
        where T : unmanaged, INumber<T>
    {
        int largest = 0;
        for (int part = 0; part < parts; part++)
        {
            (int start, int end) = GemmEngine<T>.PartRange(length, tile, parts, part);
            largest = Math.Max(largest, end - start);
        }

        return largest;
    }

    /// <summary>Checks one matrix's leading dimension and span length; returns the number of elements it spans.</summary>
    private static int CheckMatrix(int length, int rows, int columns, int ld, bool transposed, string matrix, string spanName, string ldName)
    {
        if (ld < Math.Max(1, columns))
        {
            throw new ArgumentOutOfRangeException(
                ldName, ld, $"{ldName} must be at least {Math.Max(1, columns)}, the stored row length of {matrix} ({Describe(rows, columns, transposed)}); it is {ld}.");
        }

        long needed = rows == 0 || columns == 0 ? 0 : ((long)(rows - 1) * ld) + columns;
        if (length < needed)
        {
            throw new ArgumentException(
                $"{matrix} is {Describe(rows, columns, transposed)} with leading dimension {ld}, which needs at least {needed} elements; {spanName} has {length}.", spanName);
        }

        return (int)needed;

        static string Describe(int rows, int columns, bool transposed)
            => transposed ? $"stored transposed as {rows} x {columns}" : $"{rows} x {columns}";
    }

    /// <summary><c>C = beta * C</c>; beta = 0 writes zeros without reading C.</summary>
    /// <summary>
    /// A product of one or two rows (a batch of one sample): each row of C is built from B's rows (or dot products with
    /// them, when B is transposed) streamed once, without packing B, which would cost more than the product itself.
    /// </summary>
    private static void MultiplyRows<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc)
        where T : unmanaged, INumber<T>
    {
        ScaleC(m, n, beta, c, ldc);
        for (int i = 0; i < m; i++)
        {
            Span<T> row = c.Slice(i * ldc, n);
            if (transposeB)
            {
                // c[i, j] += alpha · (op(A)[i, :] · B[j, :]).
                for (int j = 0; j < n; j++)
                {
                    ReadOnlySpan<T> bRow = b.Slice(j * ldb, k);
                    T dot = T.Zero;
                    if (transposeA)
                    {
                        for (int p = 0; p < k; p++)
                        {
                            dot += a[(p * lda) + i] * bRow[p];
                        }
                    }
                    else
                    {
                        dot = TensorPrimitives.Dot(a.Slice(i * lda, k), bRow);
                    }

                    row[j] += alpha * dot;
                }
            }
            else
            {
                // c[i, :] += Σ_p alpha · op(A)[i, p] · B[p, :].
                for (int p = 0; p < k; p++)
                {
                    T scale = alpha * (transposeA ? a[(p * lda) + i] : a[(i * lda) + p]);
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), scale, row, row);
                }
            }
        }
    }

    private static void ScaleC<T>(int m, int n, T beta, Span<T> c, int ldc)
        where T : unmanaged, INumber<T>
    {
        if (beta == T.One)
        {
            return;
        }

        for (int i = 0; i < m; i++)
        {
            Span<T> row = c.Slice(i * ldc, n);
            if (beta == T.Zero)
            {
                row.Clear();
            }
            else
            {
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] *= beta;
                }
            }
        }
    }
}
