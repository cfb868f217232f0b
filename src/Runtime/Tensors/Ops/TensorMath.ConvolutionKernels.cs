using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DiffGen.Kernels;

namespace DiffGen;

/// <summary>
/// The 2-D convolution as im2col and GEMM, forward and backward, for <see cref="float"/> and <see cref="double"/>.
/// </summary>
/// <remarks>
/// <para>
/// Per image <c>n</c> the column matrix <c>cols</c> is <c>[C*kH*kW, Hout*Wout]</c>: row <c>(c, i, j)</c> holds, for
/// every output pixel, the input value under kernel tap <c>(i, j)</c> of channel <c>c</c> (zero in the padding).
/// Then, per group <c>g</c> (rows and columns of the group's block):
/// </para>
/// <code>
/// forward   Y[n]   = W · cols                         [Cout, P] = [Cout, K] · [K, P]
/// weight    dW    += dY[n] · colsᵀ                     [Cout, K] = [Cout, P] · [P, K]
/// input     dcols  = Wᵀ · dY[n];  dX[n] += col2im(dcols)
/// bias      db    += Σ over n and pixels of dY
/// </code>
/// <para>
/// Images are processed one at a time so that an image's column matrix stays in the L2 cache, and when the batch
/// has enough work the images are split into one contiguous range per core, run on the calling thread and the
/// GEMM helper threads (<see cref="GemmWorkers"/>) with single-threaded GEMMs inside. Each range has its own column
/// scratch and its own weight-gradient partial sum; the partial sums are added in a fixed order afterwards, so the
/// result does not depend on which thread ran which range. With a single range (a small batch) the GEMMs themselves
/// use all cores.
/// </para>
/// <para>
/// When the weight is small and the images large (<see cref="UsesDots"/>: LeNet's first layer, 6 x 25 weights and
/// 784 pixels), the forward product and the weight gradient skip the GEMM, whose packing would cost more than the
/// arithmetic, for register-blocked loops (<see cref="MultiplySmall"/>, <see cref="AddDots"/>). im2col and col2im
/// move the short lines of small images with inlined vector copies and adds.
/// </para>
/// <para>
/// Scratch (column matrices, weight-gradient partials) is one per-thread buffer (<see cref="ConvolutionScratch"/>),
/// grown to the largest convolution seen: after the first call of each size nothing is allocated, inside a
/// <see cref="TensorArena"/> scope or not. (A nested arena scope would hand its slots, rank 1, to the caller's next
/// tensors, whose rank differs, and make the arena allocate shape arrays every step.)
/// </para>
/// </remarks>
internal static unsafe class Conv2dKernels<T>
    where T : unmanaged, INumber<T>
{
    /// <summary>Forward products of at least this many multiply-adds split the batch across cores.</summary>
    private const long ParallelMultiplyAdds = 1L << 18;

    /// <summary>
    /// <c>output = conv(input, weight) + bias</c>; <paramref name="output"/> is overwritten. At most
    /// <paramref name="maxThreads"/> threads are used (the benchmarks compare one thread with all).
    /// </summary>
    public static void Forward(in Conv2dShape s, ReadOnlySpan<T> input, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, bool hasBias, Span<T> output, int maxThreads = int.MaxValue)
    {
        if (s.Batch == 0)
        {
            return;
        }

        int parts = PartsFor(s, maxThreads);
        Span<T> columns = s.IsPointwise ? default : ConvolutionScratch.Get<T>(parts * s.Depth * s.Pixels);
        fixed (T* pInput = input)
        fixed (T* pWeight = weight)
        fixed (T* pBias = bias)
        fixed (T* pOutput = output)
        fixed (T* pColumns = columns)
        {
            var job = new Job
            {
                Shape = s,
                Parts = parts,
                GemmThreads = parts > 1 ? 1 : Math.Min(maxThreads, GemmWorkers.Threads),
                Input = pInput,
                Weight = pWeight,
                Bias = hasBias ? pBias : null,
                Output = pOutput,
                Columns = pColumns,
            };
            Run(&job, &ForwardPart);
        }
    }

    /// <summary>
    /// Adds the gradients of a convolution into <paramref name="dinput"/>, <paramref name="dweight"/> and
    /// <paramref name="dbias"/> (each skipped when not wanted), on at most <paramref name="maxThreads"/> threads.
    /// </summary>
    public static void Backward(
        in Conv2dShape s, ReadOnlySpan<T> gradient, ReadOnlySpan<T> input, ReadOnlySpan<T> weight,
        Span<T> dinput, bool wantInput, Span<T> dweight, bool wantWeight, Span<T> dbias, bool wantBias, int maxThreads = int.MaxValue)
    {
        if (s.Batch == 0)
        {
            return;
        }

        if (wantBias)
        {
            AddBiasGradient(s, gradient, dbias);
        }

        if (!wantInput && !wantWeight)
        {
            return;
        }

        int parts = PartsFor(s, maxThreads);
        int columnsLength = s.Depth * s.Pixels;
        int weightLength = s.OutChannels * s.GroupDepth;
        int columnsNeeded = !s.IsPointwise && wantWeight ? parts * columnsLength : 0;
        int inputColumnsNeeded = !s.IsPointwise && wantInput ? parts * columnsLength : 0;
        int partialsNeeded = wantWeight && parts > 1 ? parts * weightLength : 0;
        Span<T> scratch = ConvolutionScratch.Get<T>(columnsNeeded + inputColumnsNeeded + partialsNeeded);
        Span<T> columns = scratch[..columnsNeeded];
        Span<T> inputColumns = scratch.Slice(columnsNeeded, inputColumnsNeeded);
        Span<T> partials = scratch.Slice(columnsNeeded + inputColumnsNeeded, partialsNeeded);
        fixed (T* pGradient = gradient)
        fixed (T* pInput = input)
        fixed (T* pWeight = weight)
        fixed (T* pDInput = dinput)
        fixed (T* pDWeight = dweight)
        fixed (T* pColumns = columns)
        fixed (T* pInputColumns = inputColumns)
        fixed (T* pPartials = partials)
        {
            var job = new Job
            {
                Shape = s,
                Parts = parts,
                GemmThreads = parts > 1 ? 1 : Math.Min(maxThreads, GemmWorkers.Threads),
                Input = pInput,
                Weight = pWeight,
                Output = pGradient,
                Columns = columnsNeeded > 0 ? pColumns : null,
                InputColumns = inputColumnsNeeded > 0 ? pInputColumns : null,
                DInput = wantInput ? pDInput : null,
                DWeight = wantWeight ? (parts > 1 ? pPartials : pDWeight) : null,
            };
            Run(&job, &BackwardPart);
        }

        // The ranges' weight-gradient partials, added in range order.
        if (wantWeight && parts > 1)
        {
            for (int part = 0; part < parts; part++)
            {
                TensorPrimitives.Add(dweight, partials.Slice(part * weightLength, weightLength), dweight);
            }
        }
    }

    /// <summary>How many contiguous ranges of images the batch is cut into: one per core when there is enough work.</summary>
    private static int PartsFor(in Conv2dShape s, int maxThreads) =>
        s.MultiplyAdds >= ParallelMultiplyAdds ? Math.Min(Math.Min(maxThreads, GemmWorkers.Threads), s.Batch) : 1;

    private static void Run(Job* job, delegate*<Job*, int, void> part)
    {
        if (job->Parts > 1)
        {
            var parallel = new GemmJob { A = job, B = (void*)part, Parts = job->Parts };
            if (GemmWorkers.TryRun(parallel, &RunPart))
            {
                return;
            }
        }

        // One range, or the helpers are busy with another thread's work: the same ranges, in order, on this thread.
        for (int i = 0; i < job->Parts; i++)
        {
            part(job, i);
        }
    }

    /// <summary>The entry the GEMM helper threads call: part <paramref name="part"/> of the job <c>A</c> points to.</summary>
    private static void RunPart(in GemmJob parallel, int part, PackingArena arena) =>
        ((delegate*<Job*, int, void>)parallel.B)((Job*)parallel.A, part);

    private static (int First, int End) Images(Job* job, int part) =>
        ((int)((long)job->Shape.Batch * part / job->Parts), (int)((long)job->Shape.Batch * (part + 1) / job->Parts));

    private static void ForwardPart(Job* job, int part)
    {
        ref readonly Conv2dShape s = ref job->Shape;
        (int first, int end) = Images(job, part);
        int pixels = s.Pixels;
        int depth = s.GroupDepth;
        int groupOut = s.GroupOutChannels;
        var weight = new ReadOnlySpan<T>(job->Weight, s.OutChannels * depth);
        var columns = s.IsPointwise ? default : new Span<T>(job->Columns + (long)part * s.Depth * pixels, s.Depth * pixels);
        for (int n = first; n < end; n++)
        {
            var image = new ReadOnlySpan<T>(job->Input + (long)n * s.ImageLength, s.ImageLength);
            var output = new Span<T>(job->Output + (long)n * s.OutImageLength, s.OutImageLength);
            T beta = T.Zero;
            if (job->Bias is not null)
            {
                for (int c = 0; c < s.OutChannels; c++)
                {
                    output.Slice(c * pixels, pixels).Fill(job->Bias[c]);
                }

                beta = T.One;
            }

            ReadOnlySpan<T> cols = image;
            if (!s.IsPointwise)
            {
                Im2Col(s, image, columns);
                cols = columns;
            }

            bool small = UsesDots(s, job->GemmThreads);
            for (int g = 0; g < s.Groups; g++)
            {
                if (small)
                {
                    MultiplySmall(weight.Slice(g * groupOut * depth, groupOut * depth), cols.Slice(g * depth * pixels, depth * pixels), depth, output.Slice(g * groupOut * pixels, groupOut * pixels), beta == T.One);
                    continue;
                }

                Gemm.Multiply(
                    false, false, groupOut, pixels, depth,
                    T.One, weight.Slice(g * groupOut * depth), depth,
                    cols.Slice(g * depth * pixels), pixels,
                    beta, output.Slice(g * groupOut * pixels), pixels, Gemm.Kernel, job->GemmThreads);
            }
        }
    }

    private static void BackwardPart(Job* job, int part)
    {
        ref readonly Conv2dShape s = ref job->Shape;
        (int first, int end) = Images(job, part);
        int pixels = s.Pixels;
        int depth = s.GroupDepth;
        int groupOut = s.GroupOutChannels;
        int columnsLength = s.Depth * pixels;
        int weightLength = s.OutChannels * depth;
        var weight = new ReadOnlySpan<T>(job->Weight, weightLength);
        bool partial = job->Parts > 1;
        var dweight = job->DWeight is null ? default : new Span<T>(job->DWeight + (partial ? (long)part * weightLength : 0), weightLength);
        var columns = job->Columns is null ? default : new Span<T>(job->Columns + (long)part * columnsLength, columnsLength);
        var inputColumns = job->InputColumns is null ? default : new Span<T>(job->InputColumns + (long)part * columnsLength, columnsLength);
        for (int n = first; n < end; n++)
        {
            var gradient = new ReadOnlySpan<T>(job->Output + (long)n * s.OutImageLength, s.OutImageLength);
            if (job->DWeight is not null)
            {
                var image = new ReadOnlySpan<T>(job->Input + (long)n * s.ImageLength, s.ImageLength);
                ReadOnlySpan<T> cols = image;
                if (!s.IsPointwise)
                {
                    Im2Col(s, image, columns);
                    cols = columns;
                }

                // A range's partial sum starts at its first image; the whole-batch gradient is accumulated into.
                T beta = partial && n == first ? T.Zero : T.One;
                bool dots = UsesDots(s, job->GemmThreads);
                for (int g = 0; g < s.Groups; g++)
                {
                    if (dots)
                    {
                        AddDots(gradient.Slice(g * groupOut * pixels, groupOut * pixels), cols.Slice(g * depth * pixels, depth * pixels), pixels, dweight.Slice(g * groupOut * depth, groupOut * depth), beta == T.Zero);
                        continue;
                    }

                    Gemm.Multiply(
                        false, true, groupOut, depth, pixels,
                        T.One, gradient.Slice(g * groupOut * pixels), pixels,
                        cols.Slice(g * depth * pixels), pixels,
                        beta, dweight.Slice(g * groupOut * depth), depth, Gemm.Kernel, job->GemmThreads);
                }
            }

            if (job->DInput is not null)
            {
                var dimage = new Span<T>(job->DInput + (long)n * s.ImageLength, s.ImageLength);

                // Pointwise: the column matrix is the image, so Wᵀ·dY adds straight into dX.
                Span<T> target = s.IsPointwise ? dimage : inputColumns;
                T beta = s.IsPointwise ? T.One : T.Zero;
                for (int g = 0; g < s.Groups; g++)
                {
                    Gemm.Multiply(
                        true, false, depth, pixels, groupOut,
                        T.One, weight.Slice(g * groupOut * depth), depth,
                        gradient.Slice(g * groupOut * pixels), pixels,
                        beta, target.Slice(g * depth * pixels), pixels, Gemm.Kernel, job->GemmThreads);
                }

                if (!s.IsPointwise)
                {
                    Col2ImAdd(s, inputColumns, dimage);
                }
            }
        }
    }

    /// <summary>
    /// Whether the products of one image with the weight (forward: <c>W · cols</c>; weight gradient: <c>dY · colsᵀ</c>,
    /// <c>Cout/groups · K</c> dot products) are better done by <see cref="MultiplySmall"/> and <see cref="AddDots"/>
    /// than by the GEMM: a small weight and many pixels (LeNet's first layer: 6 x 25 weights, 784 pixels), where
    /// packing both operands for the GEMM costs more than the arithmetic. Never when the GEMM would use several threads.
    /// </summary>
    private static bool UsesDots(in Conv2dShape s, int gemmThreads) =>
        s.Pixels >= 256 && s.GroupOutChannels * s.GroupDepth <= 1024
        && (gemmThreads == 1 || (long)s.GroupOutChannels * s.GroupDepth * s.Pixels < Gemm.ParallelThreshold);

    /// <summary>
    /// <c>y (+)= w · b</c> for row-major <c>w</c> <c>[M, K]</c>, <c>b</c> <c>[K, P]</c>, <c>y</c> <c>[M, P]</c>, small
    /// <c>M · K</c> (added into <paramref name="y"/> when <paramref name="accumulate"/>, else overwritten). Four rows of
    /// <c>y</c> at a time, one vector of pixels in registers per row: each vector of <c>b</c> is loaded once per four
    /// rows and multiplied by broadcast weights; leftover rows one at a time, leftover pixels element by element.
    /// </summary>
    private static void MultiplySmall(ReadOnlySpan<T> w, ReadOnlySpan<T> b, int depth, Span<T> y, bool accumulate)
    {
        int rows = w.Length / depth;
        int pixels = b.Length / depth;
        int width = Vector<T>.Count;
        int vectorEnd = Vector.IsHardwareAccelerated ? pixels - pixels % width : 0;
        ref T bRef = ref MemoryMarshal.GetReference(b);
        int o = 0;
        for (; o + 4 <= rows; o += 4)
        {
            ReadOnlySpan<T> w0 = w.Slice(o * depth, depth);
            ReadOnlySpan<T> w1 = w.Slice((o + 1) * depth, depth);
            ReadOnlySpan<T> w2 = w.Slice((o + 2) * depth, depth);
            ReadOnlySpan<T> w3 = w.Slice((o + 3) * depth, depth);
            ref T y0 = ref MemoryMarshal.GetReference(y.Slice(o * pixels, 4 * pixels));
            ref T y1 = ref Unsafe.Add(ref y0, pixels);
            ref T y2 = ref Unsafe.Add(ref y1, pixels);
            ref T y3 = ref Unsafe.Add(ref y2, pixels);
            for (int p = 0; p < vectorEnd; p += width)
            {
                Vector<T> a0 = Vector<T>.Zero, a1 = Vector<T>.Zero, a2 = Vector<T>.Zero, a3 = Vector<T>.Zero;
                for (int r = 0; r < depth; r++)
                {
                    var x = Vector.LoadUnsafe(ref bRef, (nuint)(r * pixels + p));
                    a0 += new Vector<T>(w0[r]) * x;
                    a1 += new Vector<T>(w1[r]) * x;
                    a2 += new Vector<T>(w2[r]) * x;
                    a3 += new Vector<T>(w3[r]) * x;
                }

                if (accumulate)
                {
                    a0 += Vector.LoadUnsafe(ref y0, (nuint)p);
                    a1 += Vector.LoadUnsafe(ref y1, (nuint)p);
                    a2 += Vector.LoadUnsafe(ref y2, (nuint)p);
                    a3 += Vector.LoadUnsafe(ref y3, (nuint)p);
                }

                a0.StoreUnsafe(ref y0, (nuint)p);
                a1.StoreUnsafe(ref y1, (nuint)p);
                a2.StoreUnsafe(ref y2, (nuint)p);
                a3.StoreUnsafe(ref y3, (nuint)p);
            }

            for (int j = 0; j < 4; j++)
            {
                MultiplyRowTail(w.Slice((o + j) * depth, depth), b, pixels, vectorEnd, y.Slice((o + j) * pixels, pixels), accumulate);
            }
        }

        for (; o < rows; o++)
        {
            ReadOnlySpan<T> w0 = w.Slice(o * depth, depth);
            ref T y0 = ref MemoryMarshal.GetReference(y.Slice(o * pixels, pixels));
            for (int p = 0; p < vectorEnd; p += width)
            {
                Vector<T> a0 = accumulate ? Vector.LoadUnsafe(ref y0, (nuint)p) : Vector<T>.Zero;
                for (int r = 0; r < depth; r++)
                {
                    a0 += new Vector<T>(w0[r]) * Vector.LoadUnsafe(ref bRef, (nuint)(r * pixels + p));
                }

                a0.StoreUnsafe(ref y0, (nuint)p);
            }

            MultiplyRowTail(w0, b, pixels, vectorEnd, y.Slice(o * pixels, pixels), accumulate);
        }
    }

    /// <summary>Pixels <paramref name="from"/> to the end of one row of <see cref="MultiplySmall"/>, element by element.</summary>
    private static void MultiplyRowTail(ReadOnlySpan<T> w, ReadOnlySpan<T> b, int pixels, int from, Span<T> y, bool accumulate)
    {
        for (int p = from; p < pixels; p++)
        {
            T sum = accumulate ? y[p] : T.Zero;
            for (int r = 0; r < w.Length; r++)
            {
                sum += w[r] * b[r * pixels + p];
            }

            y[p] = sum;
        }
    }

    /// <summary>
    /// <c>c[o, r] (+)= Σₚ a[o, p] · b[r, p]</c> for row-major <c>a</c> <c>[M, P]</c>, <c>b</c> <c>[R, P]</c>, <c>c</c>
    /// <c>[M, R]</c> (overwritten when <paramref name="overwrite"/>): four dot products at a time share each load of
    /// <c>a</c>, in vector registers; the last rows of <c>b</c> and the last elements go one at a time.
    /// </summary>
    private static void AddDots(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int length, Span<T> c, bool overwrite)
    {
        int rows = a.Length / length;
        int columns = b.Length / length;
        int width = Vector.IsHardwareAccelerated ? Vector<T>.Count : int.MaxValue;
        int vectorEnd = length - length % (Vector.IsHardwareAccelerated ? width : 1);
        for (int o = 0; o < rows; o++)
        {
            ReadOnlySpan<T> left = a.Slice(o * length, length);
            ref T l = ref MemoryMarshal.GetReference(left);
            Span<T> target = c.Slice(o * columns, columns);
            int r = 0;
            for (; r + 4 <= columns && Vector.IsHardwareAccelerated; r += 4)
            {
                ref T b0 = ref MemoryMarshal.GetReference(b.Slice(r * length, 4 * length));
                ref T b1 = ref Unsafe.Add(ref b0, length);
                ref T b2 = ref Unsafe.Add(ref b1, length);
                ref T b3 = ref Unsafe.Add(ref b2, length);
                Vector<T> s0 = Vector<T>.Zero, s1 = Vector<T>.Zero, s2 = Vector<T>.Zero, s3 = Vector<T>.Zero;
                for (int p = 0; p < vectorEnd; p += width)
                {
                    var x = Vector.LoadUnsafe(ref l, (nuint)p);
                    s0 += x * Vector.LoadUnsafe(ref b0, (nuint)p);
                    s1 += x * Vector.LoadUnsafe(ref b1, (nuint)p);
                    s2 += x * Vector.LoadUnsafe(ref b2, (nuint)p);
                    s3 += x * Vector.LoadUnsafe(ref b3, (nuint)p);
                }

                T d0 = Vector.Sum(s0), d1 = Vector.Sum(s1), d2 = Vector.Sum(s2), d3 = Vector.Sum(s3);
                for (int p = vectorEnd; p < length; p++)
                {
                    T x = Unsafe.Add(ref l, p);
                    d0 += x * Unsafe.Add(ref b0, p);
                    d1 += x * Unsafe.Add(ref b1, p);
                    d2 += x * Unsafe.Add(ref b2, p);
                    d3 += x * Unsafe.Add(ref b3, p);
                }

                Store(target, r, d0, overwrite);
                Store(target, r + 1, d1, overwrite);
                Store(target, r + 2, d2, overwrite);
                Store(target, r + 3, d3, overwrite);
            }

            for (; r < columns; r++)
            {
                Store(target, r, TensorPrimitives.Dot(left, b.Slice(r * length, length)), overwrite);
            }
        }

        static void Store(Span<T> target, int index, T value, bool overwrite) =>
            target[index] = overwrite ? value : target[index] + value;
    }

    /// <summary><c>dbias[c] += Σ over images and pixels of gradient[n, c, ·]</c>.</summary>
    private static void AddBiasGradient(in Conv2dShape s, ReadOnlySpan<T> gradient, Span<T> dbias)
    {
        int pixels = s.Pixels;
        for (int c = 0; c < s.OutChannels; c++)
        {
            T sum = T.Zero;
            for (int n = 0; n < s.Batch; n++)
            {
                sum += TensorPrimitives.Sum(gradient.Slice((n * s.OutChannels + c) * pixels, pixels));
            }

            dbias[c] += sum;
        }
    }

    /// <summary>
    /// The range of output columns <c>ow</c> whose input column <c>ow * stride + offset</c> lies in <c>[0, width)</c>;
    /// the others read padding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Low, int High) Inside(int offset, int stride, int width, int outWidth)
    {
        int low = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int high = width - 1 - offset < 0 ? 0 : Math.Min(outWidth, ((width - 1 - offset) / stride) + 1);
        return (Math.Min(low, outWidth), Math.Max(high, Math.Min(low, outWidth)));
    }

    /// <summary>Writes the column matrix <c>[C*kH*kW, Hout*Wout]</c> of one image <c>[C, H, W]</c>.</summary>
    internal static void Im2Col(in Conv2dShape s, ReadOnlySpan<T> image, Span<T> columns) => Im2Col(s, image, columns, s.Pixels);

    /// <summary>
    /// Writes the column matrix <c>[C*kH*kW, Hout*Wout]</c> of one image <c>[C, H, W]</c>, its rows
    /// <paramref name="rowStride"/> elements apart (wider than the matrix when it is a window of a whole batch's).
    /// </summary>
    internal static void Im2Col(in Conv2dShape s, ReadOnlySpan<T> image, Span<T> columns, int rowStride)
    {
        int height = s.Height, width = s.Width, outHeight = s.OutHeight, outWidth = s.OutWidth;
        int strideH = s.StrideHeight, strideW = s.StrideWidth;
        int pixels = outHeight * outWidth;
        int row = 0;
        for (int c = 0; c < s.Channels; c++)
        {
            ReadOnlySpan<T> plane = image.Slice(c * height * width, height * width);
            for (int ki = 0; ki < s.KernelHeight; ki++)
            {
                int rowOffset = ki * s.DilationHeight - s.PaddingHeight;
                for (int kj = 0; kj < s.KernelWidth; kj++, row++)
                {
                    int columnOffset = kj * s.DilationWidth - s.PaddingWidth;
                    (int low, int high) = Inside(columnOffset, strideW, width, outWidth);
                    Span<T> destination = columns.Slice(row * rowStride, pixels);

                    // Stride 1 and no horizontal clipping: consecutive output rows read consecutive input rows, and
                    // when the output is as wide as the input, a run of them is one contiguous copy.
                    bool contiguousRows = strideW == 1 && low == 0 && high == outWidth && outWidth == width && strideH == 1;
                    if (!contiguousRows && strideW == 1 && low == 0 && high == outWidth && Vector.IsHardwareAccelerated && outWidth >= Vector<T>.Count)
                    {
                        CopyUnclippedLines(s, plane, destination, rowOffset, columnOffset);
                        continue;
                    }

                    int oh = 0;
                    while (oh < outHeight)
                    {
                        int ih = oh * strideH + rowOffset;
                        Span<T> line = destination.Slice(oh * outWidth, outWidth);
                        if ((uint)ih >= (uint)height || low == high)
                        {
                            line.Clear();
                            oh++;
                            continue;
                        }

                        if (contiguousRows)
                        {
                            int rows = Math.Min(outHeight - oh, height - ih);
                            plane.Slice(ih * width + columnOffset, rows * width).CopyTo(destination.Slice(oh * outWidth));
                            oh += rows;
                            continue;
                        }

                        if (low > 0)
                        {
                            line[..low].Clear();
                        }

                        if (high < outWidth)
                        {
                            line[high..].Clear();
                        }

                        ReadOnlySpan<T> source = plane.Slice(ih * width);
                        if (strideW == 1)
                        {
                            CopyRun(source.Slice(low + columnOffset, high - low), line[low..high]);
                        }
                        else
                        {
                            ref T from = ref Unsafe.AsRef(in source[0]);
                            int iw = low * strideW + columnOffset;
                            for (int ow = low; ow < high; ow++, iw += strideW)
                            {
                                line[ow] = Unsafe.Add(ref from, iw);
                            }
                        }

                        oh++;
                    }
                }
            }
        }
    }

    /// <summary>
    /// One row of the column matrix for a kernel tap whose lines lie wholly inside the input's columns, at horizontal
    /// stride 1 (the usual case without padding): line <c>oh</c> is the run of <c>Wout</c> input elements from
    /// <c>(oh·strideH + rowOffset, columnOffset)</c>, or zeros when that input row is padding. The bounds were checked
    /// by the caller (<see cref="Inside"/> gave the whole line), so the loop runs on references.
    /// </summary>
    private static void CopyUnclippedLines(in Conv2dShape s, ReadOnlySpan<T> plane, Span<T> destination, int rowOffset, int columnOffset)
    {
        int outWidth = s.OutWidth;
        int last = outWidth - Vector<T>.Count;
        ref T source = ref MemoryMarshal.GetReference(plane);
        ref T target = ref MemoryMarshal.GetReference(destination);
        for (int oh = 0; oh < s.OutHeight; oh++)
        {
            int ih = oh * s.StrideHeight + rowOffset;
            ref T to = ref Unsafe.Add(ref target, oh * outWidth);
            if ((uint)ih >= (uint)s.Height)
            {
                destination.Slice(oh * outWidth, outWidth).Clear();
                continue;
            }

            ref T from = ref Unsafe.Add(ref source, ih * s.Width + columnOffset);
            for (int i = 0; i < last; i += Vector<T>.Count)
            {
                Vector.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
            }

            Vector.LoadUnsafe(ref from, (nuint)last).StoreUnsafe(ref to, (nuint)last);
        }
    }

    /// <summary>
    /// Copies a run of an input row into a line of the column matrix. The runs are short (a 5 x 5 kernel on a 14-pixel
    /// input: 10 elements, 1,500 runs per image), so the copy is inlined: whole vectors, the last one overlapping the
    /// one before, instead of a call to a bulk copy whose setup costs as much as the run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(ReadOnlySpan<T> source, Span<T> destination)
    {
        int n = source.Length;
        if (!Vector.IsHardwareAccelerated || n < Vector<T>.Count || destination.Length < n)
        {
            source.CopyTo(destination);
            return;
        }

        ref T from = ref MemoryMarshal.GetReference(source);
        ref T to = ref MemoryMarshal.GetReference(destination);
        int last = n - Vector<T>.Count;
        for (int i = 0; i < last; i += Vector<T>.Count)
        {
            Vector.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
        }

        Vector.LoadUnsafe(ref from, (nuint)last).StoreUnsafe(ref to, (nuint)last);
    }

    /// <summary>
    /// The reverse of <see cref="CopyUnclippedLines"/>: adds line <c>oh</c> of one row of the column matrix into the
    /// run of <c>Wout</c> input elements it was read from (lines read from padding rows are dropped).
    /// </summary>
    private static void AddUnclippedLines(in Conv2dShape s, ReadOnlySpan<T> source, Span<T> plane, int rowOffset, int columnOffset)
    {
        int outWidth = s.OutWidth;
        int vectorEnd = Vector.IsHardwareAccelerated ? outWidth - Vector<T>.Count : -1;
        ref T from0 = ref MemoryMarshal.GetReference(source);
        ref T to0 = ref MemoryMarshal.GetReference(plane);
        for (int oh = 0; oh < s.OutHeight; oh++)
        {
            int ih = oh * s.StrideHeight + rowOffset;
            if ((uint)ih >= (uint)s.Height)
            {
                continue;
            }

            ref T from = ref Unsafe.Add(ref from0, oh * outWidth);
            ref T to = ref Unsafe.Add(ref to0, ih * s.Width + columnOffset);
            int i = 0;
            for (; i <= vectorEnd; i += Vector<T>.Count)
            {
                (Vector.LoadUnsafe(ref to, (nuint)i) + Vector.LoadUnsafe(ref from, (nuint)i)).StoreUnsafe(ref to, (nuint)i);
            }

            for (; i < outWidth; i++)
            {
                Unsafe.Add(ref to, i) += Unsafe.Add(ref from, i);
            }
        }
    }

    /// <summary>
    /// <c>target += source</c> for a short run (a line of the column matrix), inlined for the reason of
    /// <see cref="CopyRun"/>: whole vectors, then the remaining elements one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRun(ReadOnlySpan<T> source, Span<T> target)
    {
        int n = source.Length;
        if (target.Length < n)
        {
            throw new ArgumentException("The target run is shorter than the source run.", nameof(target));
        }

        ref T from = ref MemoryMarshal.GetReference(source);
        ref T to = ref MemoryMarshal.GetReference(target);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                (Vector.LoadUnsafe(ref to, (nuint)i) + Vector.LoadUnsafe(ref from, (nuint)i)).StoreUnsafe(ref to, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref to, i) += Unsafe.Add(ref from, i);
        }
    }

    /// <summary>Adds each entry of a column matrix <c>[C*kH*kW, Hout*Wout]</c> into the image element it was read from.</summary>
    internal static void Col2ImAdd(in Conv2dShape s, ReadOnlySpan<T> columns, Span<T> image) => Col2ImAdd(s, columns, image, s.Pixels);

    /// <summary>
    /// Adds each entry of a column matrix <c>[C*kH*kW, Hout*Wout]</c> whose rows are <paramref name="rowStride"/>
    /// elements apart into the image element it was read from.
    /// </summary>
    internal static void Col2ImAdd(in Conv2dShape s, ReadOnlySpan<T> columns, Span<T> image, int rowStride)
    {
        int height = s.Height, width = s.Width, outHeight = s.OutHeight, outWidth = s.OutWidth;
        int strideH = s.StrideHeight, strideW = s.StrideWidth;
        int pixels = outHeight * outWidth;
        int row = 0;
        for (int c = 0; c < s.Channels; c++)
        {
            Span<T> plane = image.Slice(c * height * width, height * width);
            for (int ki = 0; ki < s.KernelHeight; ki++)
            {
                int rowOffset = ki * s.DilationHeight - s.PaddingHeight;
                for (int kj = 0; kj < s.KernelWidth; kj++, row++)
                {
                    int columnOffset = kj * s.DilationWidth - s.PaddingWidth;
                    (int low, int high) = Inside(columnOffset, strideW, width, outWidth);
                    if (low == high)
                    {
                        continue;
                    }

                    ReadOnlySpan<T> source = columns.Slice(row * rowStride, pixels);
                    bool contiguousRows = strideW == 1 && low == 0 && high == outWidth && outWidth == width && strideH == 1;
                    if (!contiguousRows && strideW == 1 && low == 0 && high == outWidth)
                    {
                        AddUnclippedLines(s, source, plane, rowOffset, columnOffset);
                        continue;
                    }

                    int oh = 0;
                    while (oh < outHeight)
                    {
                        int ih = oh * strideH + rowOffset;
                        if ((uint)ih >= (uint)height)
                        {
                            oh++;
                            continue;
                        }

                        if (contiguousRows)
                        {
                            int rows = Math.Min(outHeight - oh, height - ih);
                            Span<T> target = plane.Slice(ih * width + columnOffset, rows * width);
                            TensorPrimitives.Add(target, source.Slice(oh * outWidth, rows * width), target);
                            oh += rows;
                            continue;
                        }

                        ReadOnlySpan<T> line = source.Slice(oh * outWidth, outWidth);
                        Span<T> to = plane.Slice(ih * width);
                        if (strideW == 1)
                        {
                            AddRun(line[low..high], to.Slice(low + columnOffset, high - low));
                        }
                        else
                        {
                            ref T into = ref to[0];
                            int iw = low * strideW + columnOffset;
                            for (int ow = low; ow < high; ow++, iw += strideW)
                            {
                                Unsafe.Add(ref into, iw) += line[ow];
                            }
                        }

                        oh++;
                    }
                }
            }
        }
    }

    /// <summary>One convolution call shared with the threads that run its image ranges (lives on the caller's stack).</summary>
    private struct Job
    {
        public Conv2dShape Shape;
        public int Parts;
        public int GemmThreads;
        public T* Input;
        public T* Weight;
        public T* Bias;

        /// <summary>Forward: the output; backward: the upstream gradient.</summary>
        public T* Output;

        /// <summary>Column scratch of each range (the input's im2col).</summary>
        public T* Columns;

        /// <summary>Column scratch of each range for Wᵀ·dY (backward).</summary>
        public T* InputColumns;

        public T* DInput;

        /// <summary>The weight gradient, or with several ranges their partial sums.</summary>
        public T* DWeight;
    }
}

/// <summary>
/// The scratch memory of the convolutional-network kernels (convolution, batch normalization): one buffer per thread
/// and element type, grown to the largest request and kept until the thread ends (the same policy as the GEMM's
/// packing memory). Only the thread that gets a span writes it or passes it on, and only for the duration of one
/// operation call; operations that use it do not call each other.
/// </summary>
internal static class ConvolutionScratch
{
    [ThreadStatic]
    private static float[]? t_floats;

    [ThreadStatic]
    private static double[]? t_doubles;

    /// <summary>A span of <paramref name="length"/> elements with unspecified contents, valid until the next call on this thread.</summary>
    public static Span<T> Get<T>(int length)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var buffer = t_floats;
            if (buffer is null || buffer.Length < length)
            {
                t_floats = buffer = new float[length];
            }

            return MemoryMarshal.Cast<float, T>(buffer.AsSpan(0, length));
        }

        var doubles = t_doubles;
        if (doubles is null || doubles.Length < length)
        {
            t_doubles = doubles = new double[length];
        }

        return MemoryMarshal.Cast<double, T>(doubles.AsSpan(0, length));
    }
}
