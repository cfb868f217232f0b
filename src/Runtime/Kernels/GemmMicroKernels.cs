using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DiffGen.Kernels;

/// <summary>Which register-blocked micro-kernel (and so which panel shape) a GEMM uses.</summary>
internal enum GemmKernelKind
{
    /// <summary>Scalar rows times <see cref="Vector{T}"/> columns: runs anywhere.</summary>
    Portable,

    /// <summary>6 rows x 2 <see cref="Vector256{T}"/> columns with FMA (AVX2 + FMA3: 16 vector registers).</summary>
    Vector256,

    /// <summary>12 rows x 2 <see cref="Vector512{T}"/> columns with FMA (AVX-512: 32 vector registers).</summary>
    Vector512,
}

/// <summary>
/// How a micro-kernel combines its accumulated product <c>P</c> with the tile of C it owns:
/// <c>C = alpha*P</c>, <c>C = C + alpha*P</c>, or <c>C = beta*C + alpha*P</c>.
/// </summary>
/// <remarks>
/// <see cref="Overwrite"/> never reads C, so NaNs or garbage already there are ignored (BLAS semantics for beta = 0).
/// </remarks>
internal enum TileUpdate
{
    Overwrite,
    Accumulate,
    Scale,
}

/// <summary>
/// The register-blocked inner kernels. Each computes one MR x NR tile of C from a packed A micro-panel
/// (for every k, MR consecutive values: one per row) and a packed B micro-panel (for every k, NR consecutive
/// values: one per column). The tile lives in registers for the whole k loop; C is touched once at the end.
/// </summary>
/// <remarks>
/// Register budget of the <see cref="GemmKernelKind.Vector512"/> kernel: 12 rows x 2 vectors = 24 accumulators,
/// 2 registers for the B row and one for the A value of the current row (<c>vbroadcastss</c> from the packed panel,
/// used by that row's two FMAs), so 27 of the 32 zmm registers are live. Per k step it issues 24 FMAs against 2
/// vector loads and 12 broadcast loads, which keeps the FMA pipes busy.
/// </remarks>
internal static unsafe class GemmMicroKernels<T>
    where T : unmanaged, INumber<T>
{
    public const int Vector512Rows = 12;
    public const int Vector256Rows = 6;
    public const int PortableRows = 4;

    /// <summary>Rows of C per micro-tile (MR) for a kernel.</summary>
    public static int RowsOf(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Vector512 => Vector512Rows,
        GemmKernelKind.Vector256 => Vector256Rows,
        _ => PortableRows,
    };

    /// <summary>Columns of C per micro-tile (NR) for a kernel: always two vectors.</summary>
    public static int ColumnsOf(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Vector512 => 2 * Vector512<T>.Count,
        GemmKernelKind.Vector256 => 2 * Vector256<T>.Count,
        _ => 2 * Vector<T>.Count,
    };

    /// <summary>
    /// The rows of the micro-panel that holds the last <paramref name="rows"/> rows of op(A) (fewer than MR at the
    /// bottom edge). The AVX-512 kernel has 4- and 8-row variants so that a thin edge does not pay for 12 rows; the
    /// other kernels always use full panels.
    /// </summary>
    public static int PanelRows(GemmKernelKind kind, int rows)
        => kind != GemmKernelKind.Vector512 ? RowsOf(kind) : rows <= 4 ? 4 : rows <= 8 ? 8 : Vector512Rows;

    /// <summary>
    /// The columns of the micro-panel that holds the last <paramref name="columns"/> columns of op(B): one vector
    /// instead of two when that is enough (AVX-512 kernel only).
    /// </summary>
    public static int PanelColumns(GemmKernelKind kind, int columns)
        => kind == GemmKernelKind.Vector512 && columns <= Vector512<T>.Count ? Vector512<T>.Count : ColumnsOf(kind);

    /// <summary>
    /// Runs the micro-kernel of <paramref name="kind"/> on one tile whose panels are <paramref name="rows"/> x KC (A,
    /// packed) and KC x <paramref name="columns"/> (B, one row of <paramref name="columns"/> values every
    /// <paramref name="ldb"/> elements: packed, or B itself), as given by <see cref="PanelRows"/> and
    /// <see cref="PanelColumns"/>; the tile of C is <paramref name="rows"/> x <paramref name="columns"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(GemmKernelKind kind, int rows, int columns, nint kc, T* a, T* b, nint ldb, T* c, nint ldc, T alpha, T beta, TileUpdate update)
    {
        switch (kind)
        {
            case GemmKernelKind.Vector512 when columns == ColumnsOf(kind):
                switch (rows)
                {
                    case Vector512Rows: TileV512<Rows12, TwoVectors>(kc, a, b, ldb, c, ldc, alpha, beta, update); break;
                    case 8: TileV512<Rows8, TwoVectors>(kc, a, b, ldb, c, ldc, alpha, beta, update); break;
                    default: TileV512<Rows4, TwoVectors>(kc, a, b, ldb, c, ldc, alpha, beta, update); break;
                }

                break;
            case GemmKernelKind.Vector512:
                switch (rows)
                {
                    case Vector512Rows: TileV512<Rows12, OneVector>(kc, a, b, ldb, c, ldc, alpha, beta, update); break;
                    case 8: TileV512<Rows8, OneVector>(kc, a, b, ldb, c, ldc, alpha, beta, update); break;
                    default: TileV512<Rows4, OneVector>(kc, a, b, ldb, c, ldc, alpha, beta, update); break;
                }

                break;
            case GemmKernelKind.Vector256:
                Tile6x2V256(kc, a, b, ldb, c, ldc, alpha, beta, update);
                break;
            default:
                Tile4x2Portable(kc, a, b, ldb, c, ldc, alpha, beta, update);
                break;
        }
    }

    // ---------------------------------------------------------------- Vector512: 12 x 32 floats (12 x 16 doubles)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();
        }

        return (x * y) + addend;
    }

    /// <summary>
    /// The AVX-512 kernel for a tile of <typeparamref name="TRows"/> rows (4, 8 or 12) by one or two vectors. The shape is
    /// a type argument so that the JIT compiles each variant separately with the unused rows and vectors removed: the
    /// 12 x 2 variant is the main kernel, the others cover the bottom and right edges.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileV512<TRows, TVectors>(nint kc, T* a, T* b, nint ldb, T* c, nint ldc, T alpha, T beta, TileUpdate update)
        where TRows : struct, IKernelCount
        where TVectors : struct, IKernelCount
    {
        int w = Vector512<T>.Count;
        int rows = TRows.Value;
        bool two = TVectors.Value == 2;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<T> c90 = default, c91 = default, cA0 = default, cA1 = default, cB0 = default, cB1 = default;
        PrefetchTile(c, ldc, rows, TVectors.Value * w);

        for (nint p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            Vector512<T> b1 = two ? Vector512.Load(b + w) : default;
            Vector512<T> x;
            x = Vector512.Create(a[0]); c00 = Fma(x, b0, c00); if (two) { c01 = Fma(x, b1, c01); }
            x = Vector512.Create(a[1]); c10 = Fma(x, b0, c10); if (two) { c11 = Fma(x, b1, c11); }
            x = Vector512.Create(a[2]); c20 = Fma(x, b0, c20); if (two) { c21 = Fma(x, b1, c21); }
            x = Vector512.Create(a[3]); c30 = Fma(x, b0, c30); if (two) { c31 = Fma(x, b1, c31); }
            if (rows > 4)
            {
                x = Vector512.Create(a[4]); c40 = Fma(x, b0, c40); if (two) { c41 = Fma(x, b1, c41); }
                x = Vector512.Create(a[5]); c50 = Fma(x, b0, c50); if (two) { c51 = Fma(x, b1, c51); }
                x = Vector512.Create(a[6]); c60 = Fma(x, b0, c60); if (two) { c61 = Fma(x, b1, c61); }
                x = Vector512.Create(a[7]); c70 = Fma(x, b0, c70); if (two) { c71 = Fma(x, b1, c71); }
            }

            if (rows > 8)
            {
                x = Vector512.Create(a[8]); c80 = Fma(x, b0, c80); if (two) { c81 = Fma(x, b1, c81); }
                x = Vector512.Create(a[9]); c90 = Fma(x, b0, c90); if (two) { c91 = Fma(x, b1, c91); }
                x = Vector512.Create(a[10]); cA0 = Fma(x, b0, cA0); if (two) { cA1 = Fma(x, b1, cA1); }
                x = Vector512.Create(a[11]); cB0 = Fma(x, b0, cB0); if (two) { cB1 = Fma(x, b1, cB1); }
            }

            a += rows;
            b += ldb;
        }

        Vector512<T> va = Vector512.Create(alpha);
        Vector512<T> vb = Vector512.Create(beta);
        StoreRow(c, w, two, c00, c01, va, vb, update); c += ldc;
        StoreRow(c, w, two, c10, c11, va, vb, update); c += ldc;
        StoreRow(c, w, two, c20, c21, va, vb, update); c += ldc;
        StoreRow(c, w, two, c30, c31, va, vb, update);
        if (rows > 4)
        {
            c += ldc;
            StoreRow(c, w, two, c40, c41, va, vb, update); c += ldc;
            StoreRow(c, w, two, c50, c51, va, vb, update); c += ldc;
            StoreRow(c, w, two, c60, c61, va, vb, update); c += ldc;
            StoreRow(c, w, two, c70, c71, va, vb, update);
        }

        if (rows > 8)
        {
            c += ldc;
            StoreRow(c, w, two, c80, c81, va, vb, update); c += ldc;
            StoreRow(c, w, two, c90, c91, va, vb, update); c += ldc;
            StoreRow(c, w, two, cA0, cA1, va, vb, update); c += ldc;
            StoreRow(c, w, two, cB0, cB1, va, vb, update);
        }
    }

    /// <summary>
    /// Asks for the tile of C to be brought into L1 while the k loop runs, so that the final load-and-store of C does
    /// not stall on memory (C is the only operand that is not packed and so not cache-resident).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(T* c, nint ldc, int rows, int columns)
    {
        if (Sse.IsSupported)
        {
            byte* last = (byte*)(c + columns - 1);
            for (int i = 0; i < rows; i++)
            {
                Sse.Prefetch0(c + (i * ldc));
                Sse.Prefetch0(last + (i * ldc * sizeof(T)));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, int w, bool two, Vector512<T> p0, Vector512<T> p1, Vector512<T> alpha, Vector512<T> beta, TileUpdate update)
    {
        switch (update)
        {
            case TileUpdate.Overwrite:
                Vector512.Store(alpha * p0, c);
                if (two)
                {
                    Vector512.Store(alpha * p1, c + w);
                }

                break;
            case TileUpdate.Accumulate:
                Vector512.Store(Fma(alpha, p0, Vector512.Load(c)), c);
                if (two)
                {
                    Vector512.Store(Fma(alpha, p1, Vector512.Load(c + w)), c + w);
                }

                break;
            default:
                Vector512.Store(Fma(alpha, p0, beta * Vector512.Load(c)), c);
                if (two)
                {
                    Vector512.Store(Fma(alpha, p1, beta * Vector512.Load(c + w)), c + w);
                }

                break;
        }
    }

    // ---------------------------------------------------------------- Vector256: 6 x 16 floats (6 x 8 doubles)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> x, Vector256<T> y, Vector256<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();
        }

        return (x * y) + addend;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x2V256(nint kc, T* a, T* b, nint ldb, T* c, nint ldc, T alpha, T beta, TileUpdate update)
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;

        for (nint p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.Load(b);
            Vector256<T> b1 = Vector256.Load(b + w);
            Vector256<T> x;
            x = Vector256.Create(a[0]); c00 = Fma(x, b0, c00); c01 = Fma(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Fma(x, b0, c10); c11 = Fma(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Fma(x, b0, c20); c21 = Fma(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Fma(x, b0, c30); c31 = Fma(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = Fma(x, b0, c40); c41 = Fma(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = Fma(x, b0, c50); c51 = Fma(x, b1, c51);
            a += Vector256Rows;
            b += ldb;
        }

        Vector256<T> va = Vector256.Create(alpha);
        Vector256<T> vb = Vector256.Create(beta);
        StoreRow(c, w, c00, c01, va, vb, update); c += ldc;
        StoreRow(c, w, c10, c11, va, vb, update); c += ldc;
        StoreRow(c, w, c20, c21, va, vb, update); c += ldc;
        StoreRow(c, w, c30, c31, va, vb, update); c += ldc;
        StoreRow(c, w, c40, c41, va, vb, update); c += ldc;
        StoreRow(c, w, c50, c51, va, vb, update);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, int w, Vector256<T> p0, Vector256<T> p1, Vector256<T> alpha, Vector256<T> beta, TileUpdate update)
    {
        switch (update)
        {
            case TileUpdate.Overwrite:
                Vector256.Store(alpha * p0, c);
                Vector256.Store(alpha * p1, c + w);
                break;
            case TileUpdate.Accumulate:
                Vector256.Store(Fma(alpha, p0, Vector256.Load(c)), c);
                Vector256.Store(Fma(alpha, p1, Vector256.Load(c + w)), c + w);
                break;
            default:
                Vector256.Store(Fma(alpha, p0, beta * Vector256.Load(c)), c);
                Vector256.Store(Fma(alpha, p1, beta * Vector256.Load(c + w)), c + w);
                break;
        }
    }

    // ---------------------------------------------------------------- Portable: 4 x 2 Vector<T>

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x2Portable(nint kc, T* a, T* b, nint ldb, T* c, nint ldc, T alpha, T beta, TileUpdate update)
    {
        int w = Vector<T>.Count;
        Vector<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector<T> c20 = default, c21 = default, c30 = default, c31 = default;

        for (nint p = 0; p < kc; p++)
        {
            Vector<T> b0 = Vector.Load(b);
            Vector<T> b1 = Vector.Load(b + w);
            Vector<T> x;
            x = new Vector<T>(a[0]); c00 += x * b0; c01 += x * b1;
            x = new Vector<T>(a[1]); c10 += x * b0; c11 += x * b1;
            x = new Vector<T>(a[2]); c20 += x * b0; c21 += x * b1;
            x = new Vector<T>(a[3]); c30 += x * b0; c31 += x * b1;
            a += PortableRows;
            b += ldb;
        }

        var va = new Vector<T>(alpha);
        var vb = new Vector<T>(beta);
        StoreRow(c, w, c00, c01, va, vb, update); c += ldc;
        StoreRow(c, w, c10, c11, va, vb, update); c += ldc;
        StoreRow(c, w, c20, c21, va, vb, update); c += ldc;
        StoreRow(c, w, c30, c31, va, vb, update);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, int w, Vector<T> p0, Vector<T> p1, Vector<T> alpha, Vector<T> beta, TileUpdate update)
    {
        switch (update)
        {
            case TileUpdate.Overwrite:
                Vector.Store(alpha * p0, c);
                Vector.Store(alpha * p1, c + w);
                break;
            case TileUpdate.Accumulate:
                Vector.Store((alpha * p0) + Vector.Load(c), c);
                Vector.Store((alpha * p1) + Vector.Load(c + w), c + w);
                break;
            default:
                Vector.Store((alpha * p0) + (beta * Vector.Load(c)), c);
                Vector.Store((alpha * p1) + (beta * Vector.Load(c + w)), c + w);
                break;
        }
    }
}

/// <summary>A count known at compile time, given as a type argument so that the JIT specialises a kernel for it.</summary>
internal interface IKernelCount
{
    static abstract int Value { get; }
}

internal readonly struct Rows4 : IKernelCount
{
    public static int Value => 4;
}

internal readonly struct Rows8 : IKernelCount
{
    public static int Value => 8;
}

internal readonly struct Rows12 : IKernelCount
{
    public static int Value => 12;
}

internal readonly struct OneVector : IKernelCount
{
    public static int Value => 1;
}

internal readonly struct TwoVectors : IKernelCount
{
    public static int Value => 2;
}
