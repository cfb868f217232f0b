using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace DiffGen.Kernels;

/// <summary>
/// One validated GEMM call, as raw pointers, so that it can be handed to a worker thread without allocating.
/// The caller keeps the operands pinned until every part has finished.
/// </summary>
internal unsafe struct GemmJob
{
    public bool TransposeA;
    public bool TransposeB;
    public int M;
    public int N;
    public int K;
    public double Alpha;
    public double Beta;
    public void* A;
    public nint Lda;
    public void* B;
    public nint Ldb;
    public void* C;
    public nint Ldc;
    public GemmKernelKind Kernel;

    /// <summary>The number of parts the C matrix is cut into (one per thread).</summary>
    public int Parts;

    /// <summary>True when the parts are ranges of columns of C, false when they are ranges of rows.</summary>
    public bool SplitColumns;
}

/// <summary>
/// The cache-blocked GEMM driver (the Goto/BLIS scheme) for one range of C, shared by float and double.
/// </summary>
/// <remarks>
/// <para>
/// Loop nest, outermost first, for <c>C[m x n] (+)= op(A)[m x k] * op(B)[k x n]</c> with row-major storage:
/// </para>
/// <code>
/// for jc in n step NC            B block width: up to 4 MiB of packed B, usually all the columns of this part
///   for pc in k step KC          KC: depth of one pass; the first pass applies beta, the others accumulate
///     pack op(B)[pc.., jc..] into NR-column micro-panels             (bufferB, L2/L3)
///     for ic in m step MC
///       pack op(A)[ic.., pc..] into MR-row micro-panels              (bufferA, L2)
///       for ir in mc step MR     one A micro-panel (KC x MR) stays in L1 ...
///         for jr in nc step NR   ... while the B micro-panels stream past it from L2/L3
///           micro-kernel: C[ir.., jr..] tile (MR x NR) in registers
/// </code>
/// <para>
/// The roles follow BLIS with C transposed: the operand that is broadcast (A) sits in L1, the operand that is loaded
/// as full vectors (B) streams from L2 or L3. Packed layouts: an A micro-panel holds, for p = 0..KC-1, the MR values
/// <c>op(A)[ir+0..MR-1, pc+p]</c> contiguously; a B micro-panel holds, for p = 0..KC-1, the NR values
/// <c>op(B)[pc+p, jr+0..NR-1]</c> contiguously. The last panel in each direction may be narrower (4 or 8 rows, one
/// vector of columns) when the AVX-512 kernel has a variant of that shape, so that thin edges cost little. Rows or
/// columns beyond the matrix edge are packed as zeros, so the micro-kernel always runs on whole panels; a tile of C
/// smaller than its panels is computed into a scratch tile and copied out.
/// Transposed operands are handled entirely by the packing routines.
/// </para>
/// </remarks>
internal static unsafe class GemmEngine<T>
    where T : unmanaged, INumber<T>
{
    /// <summary>Depth of one pass (KC): 256 floats or 128 doubles, 1 KiB of each packed row.</summary>
    public static readonly int Kc = 1024 / sizeof(T);

    /// <summary>
    /// Largest width of a packed B block (NC): KC x NC x size = 4 MiB, 4096 floats or doubles. The B block lives in L3,
    /// not L2: the micro-kernel needs only 128 bytes of B per 24 FMAs, which L3 delivers, and a wide block means A is
    /// packed once per pass instead of once per block of columns (measured: 2048^2 goes from 90 to 104 GFLOPS on one
    /// Zen 4 core when NC grows from 512 to 2048).
    /// </summary>
    public static readonly int NcTarget = 4 * 1024 * 1024 / (Kc * sizeof(T));

    /// <summary>
    /// Largest height of a packed A block (MC): 144 rows, 12 micro-panels of the AVX-512 kernel, 144 KiB. Each micro-panel
    /// (KC x MR, 12 KiB) stays in L1 while the whole B block streams past it.
    /// </summary>
    public const int McTarget = 144;

    /// <summary>
    /// Splits <paramref name="length"/> into blocks of at most <paramref name="target"/> (rounded down to a multiple of
    /// <paramref name="unit"/>) that are as equal as whole units allow, and returns the block size: 784 in passes of at
    /// most 256 gives 4 x 196 rather than 3 x 256 + 16, because a thin last block costs nearly as much as a full one.
    /// </summary>
    public static int BalancedBlock(int length, int target, int unit)
    {
        int limit = Math.Max(unit, target / unit * unit);
        int blocks = (length + limit - 1) / limit;
        int size = (length + blocks - 1) / blocks;
        return (size + unit - 1) / unit * unit;
    }

    /// <summary>Runs part <paramref name="part"/> of <paramref name="job"/> with the given packing memory.</summary>
    public static void RunPart(in GemmJob job, int part, PackingArena arena)
    {
        GemmKernelKind kind = job.Kernel;
        int mr = GemmMicroKernels<T>.RowsOf(kind);
        int nr = GemmMicroKernels<T>.ColumnsOf(kind);
        int m0 = 0, m1 = job.M, n0 = 0, n1 = job.N;
        if (job.SplitColumns)
        {
            (n0, n1) = PartRange(job.N, nr, job.Parts, part);
        }
        else
        {
            (m0, m1) = PartRange(job.M, mr, job.Parts, part);
        }

        if (m0 >= m1 || n0 >= n1)
        {
            return;
        }

        Run(job, m0, m1, n0, n1, mr, nr, arena);
    }

    /// <summary>
    /// Cuts <paramref name="length"/> into <paramref name="parts"/> ranges made of whole micro-tiles of
    /// <paramref name="tile"/>, as even as the tiles allow, and returns range <paramref name="part"/>.
    /// </summary>
    public static (int Start, int End) PartRange(int length, int tile, int parts, int part)
    {
        int tiles = (length + tile - 1) / tile;
        int start = (int)((long)tiles * part / parts) * tile;
        int end = (int)((long)tiles * (part + 1) / parts) * tile;
        return (Math.Min(start, length), Math.Min(end, length));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(in GemmJob job, int m0, int m1, int n0, int n1, int mr, int nr, PackingArena arena)
    {
        int kc0 = BalancedBlock(job.K, Kc, 1);
        int nc0 = BalancedBlock(n1 - n0, NcTarget, nr);
        int mc0 = BalancedBlock(m1 - m0, McTarget, mr);
        T* bufferA = (T*)arena.Reserve(((mc0 * kc0) + (kc0 * nc0) + (mr * nr)) * sizeof(T));
        T* bufferB = bufferA + (mc0 * kc0);
        T* scratch = bufferB + (kc0 * nc0);

        T* a = (T*)job.A;
        T* b = (T*)job.B;
        T* c = (T*)job.C;
        T alpha = T.CreateTruncating(job.Alpha);
        T beta = T.CreateTruncating(job.Beta);
        // B is read in place when at most two A micro-panels use it and its rows of one pass span at most 4 MiB (beyond
        // that, rows on too many pages for the TLB cost more than packing).
        bool directB = !job.TransposeB && m1 - m0 <= 2 * mr && (long)kc0 * job.Ldb * sizeof(T) <= 4 << 20;
        TileUpdate firstUpdate = job.Beta == 0 ? TileUpdate.Overwrite : job.Beta == 1 ? TileUpdate.Accumulate : TileUpdate.Scale;

        for (int jc = n0; jc < n1; jc += nc0)
        {
            int nc = Math.Min(nc0, n1 - jc);
            for (int pc = 0; pc < job.K; pc += kc0)
            {
                int kc = Math.Min(kc0, job.K - pc);
                TileUpdate update = pc == 0 ? firstUpdate : TileUpdate.Accumulate;
                T passBeta = pc == 0 ? beta : T.One;

                // When few rows of A use each packed B panel, packing B costs more than it saves: the kernel then reads
                // the whole-width panels of an untransposed B in place, row by row, and only the edge panel is packed.
                int packedFrom = 0;
                if (directB)
                {
                    packedFrom = nc / nr * nr;
                    PackB(job.Kernel, false, b, job.Ldb, pc, kc, jc + packedFrom, nc - packedFrom, nr, bufferB + (packedFrom * kc));
                }
                else
                {
                    PackB(job.Kernel, job.TransposeB, b, job.Ldb, pc, kc, jc, nc, nr, bufferB);
                }

                for (int ic = m0; ic < m1; ic += mc0)
                {
                    int mc = Math.Min(mc0, m1 - ic);
                    PackA(job.Kernel, job.TransposeA, a, job.Lda, ic, mc, pc, kc, mr, bufferA);
                    // Tiles in order: A micro-panels outer (each stays in L1 while the B panels stream past), except
                    // when B is read in place, where B micro-panels go outer so that each comes from memory once.
                    int rowPanels = (mc + mr - 1) / mr;
                    int columnPanels = (nc + nr - 1) / nr;
                    for (int tile = 0; tile < rowPanels * columnPanels; tile++)
                    {
                        (int ir, int jr) = directB
                            ? (tile % rowPanels * mr, tile / rowPanels * nr)
                            : (tile / columnPanels * mr, tile % columnPanels * nr);
                        int rows = Math.Min(mr, mc - ir);
                        int panelRows = GemmMicroKernels<T>.PanelRows(job.Kernel, rows);
                        T* panelA = bufferA + (ir * kc);
                        T* tileOfC = c + ((ic + ir) * job.Ldc) + jc + jr;
                        int columns = Math.Min(nr, nc - jr);
                        int panelColumns = GemmMicroKernels<T>.PanelColumns(job.Kernel, columns);
                        T* panelB = jr < packedFrom ? b + ((nint)pc * job.Ldb) + jc + jr : bufferB + (jr * kc);
                        nint ldb = jr < packedFrom ? job.Ldb : panelColumns;
                        if (rows == panelRows && columns == panelColumns)
                        {
                            GemmMicroKernels<T>.Run(job.Kernel, panelRows, panelColumns, kc, panelA, panelB, ldb, tileOfC, job.Ldc, alpha, passBeta, update);
                        }
                        else
                        {
                            GemmMicroKernels<T>.Run(job.Kernel, panelRows, panelColumns, kc, panelA, panelB, ldb, scratch, panelColumns, T.One, T.Zero, TileUpdate.Overwrite);
                            StorePartialTile(scratch, panelColumns, rows, columns, tileOfC, job.Ldc, alpha, passBeta, update);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Combines the valid <paramref name="rows"/> x <paramref name="columns"/> corner of a scratch tile into C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StorePartialTile(T* tile, int nr, int rows, int columns, T* c, nint ldc, T alpha, T beta, TileUpdate update)
    {
        for (int i = 0; i < rows; i++)
        {
            T* source = tile + (i * nr);
            T* target = c + (i * ldc);
            for (int j = 0; j < columns; j++)
            {
                T product = alpha * source[j];
                target[j] = update switch
                {
                    TileUpdate.Overwrite => product,
                    TileUpdate.Accumulate => target[j] + product,
                    _ => (beta * target[j]) + product,
                };
            }
        }
    }

    /// <summary>
    /// Packs <c>op(A)[ic..ic+mc, pc..pc+kc]</c> into MR-row micro-panels: panel r holds, for each p, the MR values of
    /// rows ic+r*MR .. ic+r*MR+MR-1 in column pc+p, contiguously. Rows past the edge are zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(GemmKernelKind kind, bool transposed, T* a, nint lda, int ic, int mc, int pc, int kc, int mr, T* packed)
    {
        if (transposed)
        {
            // op(A)[i, p] = A[p, i]: the MR values of one p are contiguous in A.
            int lastWidth = GemmMicroKernels<T>.PanelRows(kind, mc - ((mc - 1) / mr * mr));
            GemmPacking<T>.Copy(a + ((nint)pc * lda) + ic, lda, mc, kc, mr, lastWidth, packed);
            return;
        }

        for (int ir = 0; ir < mc; ir += mr)
        {
            // op(A)[i, p] = A[i, p]: row i of A becomes lane i of the panel.
            int rows = Math.Min(mr, mc - ir);
            int width = GemmMicroKernels<T>.PanelRows(kind, rows);
            GemmPacking<T>.Transpose(a + ((nint)(ic + ir) * lda) + pc, lda, rows, kc, width, packed + (ir * kc));
        }
    }

    /// <summary>
    /// Packs <c>op(B)[pc..pc+kc, jc..jc+nc]</c> into NR-column micro-panels: panel s holds, for each p, the NR values
    /// of row pc+p in columns jc+s*NR .. jc+s*NR+NR-1, contiguously. Columns past the edge are zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(GemmKernelKind kind, bool transposed, T* b, nint ldb, int pc, int kc, int jc, int nc, int nr, T* packed)
    {
        if (!transposed)
        {
            // op(B)[p, j] = B[p, j]: each packed row is a contiguous copy.
            int lastWidth = GemmMicroKernels<T>.PanelColumns(kind, nc - ((nc - 1) / nr * nr));
            GemmPacking<T>.Copy(b + ((nint)pc * ldb) + jc, ldb, nc, kc, nr, lastWidth, packed);
            return;
        }

        for (int jr = 0; jr < nc; jr += nr)
        {
            // op(B)[p, j] = B[j, p]: row j of B becomes lane j of the panel.
            int columns = Math.Min(nr, nc - jr);
            int width = GemmMicroKernels<T>.PanelColumns(kind, columns);
            GemmPacking<T>.Transpose(b + ((nint)(jc + jr) * ldb) + pc, ldb, columns, kc, width, packed + (jr * kc));
        }
    }
}
