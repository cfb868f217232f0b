using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace DiffGen;

/// <summary>
/// The shapes of a matrix product and the GEMM calls of its forward and backward passes (see
/// <see cref="TensorMath.MatMul"/>).
/// </summary>
internal readonly struct MatMulPlan
{
    private MatMulPlan(int batch, int m, int k, int n, bool sharedRight)
    {
        Batch = batch;
        M = m;
        K = k;
        N = n;
        SharedRight = sharedRight;
    }

    /// <summary>The number of products (1 for matrices).</summary>
    public int Batch { get; }

    /// <summary>Rows of the left operand and of the result.</summary>
    public int M { get; }

    /// <summary>The inner dimension.</summary>
    public int K { get; }

    /// <summary>Columns of the right operand and of the result.</summary>
    public int N { get; }

    /// <summary>Whether one right matrix serves every batch entry (<c>[b, m, k] x [k, n]</c>, and matrices).</summary>
    public bool SharedRight { get; }

    /// <summary>Checks the operands of a matrix product and describes it.</summary>
    /// <exception cref="ArgumentException">The ranks, the inner dimensions, the batch sizes or the element types do not fit.</exception>
    public static MatMulPlan Of(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        const string Operation = nameof(TensorMath.MatMul);
        OpChecks.SameDType(Operation, a, b);
        if (!((a.Rank == 2 && b.Rank == 2) || (a.Rank == 3 && b.Rank is 2 or 3)))
        {
            throw new ArgumentException(
                $"{Operation}: expects [m, k] x [k, n], [b, m, k] x [b, k, n] or [b, m, k] x [k, n]; got {a.ShapeText()} and {b.ShapeText()}.");
        }

        int k = a.Size(-1);
        if (b.Size(-2) != k)
        {
            throw new ArgumentException($"{Operation}: inner dimensions differ: {a.ShapeText()} and {b.ShapeText()}.");
        }

        if (b.Rank == 3 && b.Size(0) != a.Size(0))
        {
            throw new ArgumentException($"{Operation}: batch sizes differ: {a.ShapeText()} and {b.ShapeText()}.");
        }

        return new MatMulPlan(a.Rank == 3 ? a.Size(0) : 1, a.Size(-2), k, b.Size(-1), sharedRight: b.Rank == 2);
    }

    /// <summary>Writes the result's shape (<c>[m, n]</c> or <c>[b, m, n]</c>) into <paramref name="shape"/> and returns the part written.</summary>
    public Span<int> ResultShape(Tensor a, Span<int> shape)
    {
        if (a.Rank == 2)
        {
            shape[0] = M;
            shape[1] = N;
            return shape[..2];
        }

        shape[0] = Batch;
        shape[1] = M;
        shape[2] = N;
        return shape[..3];
    }

    /// <summary><c>c = a · b</c>, batch by batch (one product over all batch rows when the right operand is shared).</summary>
    public void Forward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (SharedRight)
        {
            Product<T>(false, false, Batch * M, N, K, a, b, T.Zero, c);
            return;
        }

        for (int i = 0; i < Batch; i++)
        {
            Product<T>(false, false, M, N, K, a.Slice(i * M * K, M * K), b.Slice(i * K * N, K * N), T.Zero, c.Slice(i * M * N, M * N));
        }
    }

    /// <summary><c>da += g · bᵀ</c>.</summary>
    public void BackwardLeft<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> b, Span<T> da)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (SharedRight)
        {
            Product<T>(false, true, Batch * M, K, N, g, b, T.One, da);
            return;
        }

        for (int i = 0; i < Batch; i++)
        {
            Product<T>(false, true, M, K, N, g.Slice(i * M * N, M * N), b.Slice(i * K * N, K * N), T.One, da.Slice(i * M * K, M * K));
        }
    }

    /// <summary><c>db += aᵀ · g</c> (summed over the batch when the right operand is shared).</summary>
    public void BackwardRight<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> a, Span<T> db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (SharedRight)
        {
            Product<T>(true, false, K, N, Batch * M, a, g, T.One, db);
            return;
        }

        for (int i = 0; i < Batch; i++)
        {
            Product<T>(true, false, K, N, M, a.Slice(i * M * K, M * K), g.Slice(i * M * N, M * N), T.One, db.Slice(i * K * N, K * N));
        }
    }

    /// <summary>
    /// <c>C = op(A)·op(B) + beta·C</c> on densely stored matrices (leading dimension = stored row length, at least 1
    /// so that empty products pass the kernel's checks).
    /// </summary>
    internal static void Product<T>(bool transposeA, bool transposeB, int m, int n, int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, T beta, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lda = Math.Max(1, transposeA ? m : k);
        int ldb = Math.Max(1, transposeB ? k : n);
        int ldc = Math.Max(1, n);
        if (typeof(T) == typeof(float))
        {
            Kernels.Gemm.Multiply(
                transposeA, transposeB, m, n, k,
                1f, MemoryMarshal.Cast<T, float>(a), lda,
                MemoryMarshal.Cast<T, float>(b), ldb,
                float.CreateTruncating(beta), MemoryMarshal.Cast<T, float>(c), ldc);
        }
        else
        {
            Kernels.Gemm.Multiply(
                transposeA, transposeB, m, n, k,
                1d, MemoryMarshal.Cast<T, double>(a), lda,
                MemoryMarshal.Cast<T, double>(b), ldb,
                double.CreateTruncating(beta), MemoryMarshal.Cast<T, double>(c), ldc);
        }
    }
}
