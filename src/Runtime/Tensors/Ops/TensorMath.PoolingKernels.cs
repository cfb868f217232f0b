using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace DiffGen;

/// <summary>
/// Max and average pooling over square windows, forward and backward, for <see cref="float"/> and
/// <see cref="double"/>. Each plane <c>(n, c)</c> is pooled on its own; a window is clipped to the input, so padding
/// never takes part in a maximum and counts in a mean only when asked.
/// </summary>
internal static class PoolingKernels<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// <c>output[p, oh, ow]</c> = the maximum of the window (<see cref="INumber{TSelf}.Max"/>: a NaN in the window is
    /// its maximum). Branch-free, so random data costs no mispredictions.
    /// </summary>
    public static void MaxForward(in Pool2dShape s, ReadOnlySpan<T> input, Span<T> output)
    {
        if (IsHalving(s))
        {
            MaxForward2x2(s, input, output);
            return;
        }

        int planeLength = s.Height * s.Width;
        int outLength = s.OutHeight * s.OutWidth;
        for (int p = 0; p < s.Planes; p++)
        {
            ReadOnlySpan<T> plane = input.Slice(p * planeLength, planeLength);
            Span<T> outPlane = output.Slice(p * outLength, outLength);
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++)
                {
                    var w = Bounds(s, oh, ow);
                    T max = T.NegativeInfinity;
                    for (int ih = w.RowStart; ih < w.RowEnd; ih++)
                    {
                        ReadOnlySpan<T> row = plane.Slice(ih * s.Width + w.ColumnStart, w.ColumnEnd - w.ColumnStart);
                        for (int j = 0; j < row.Length; j++)
                        {
                            max = T.Max(max, row[j]);
                        }
                    }

                    outPlane[oh * s.OutWidth + ow] = max;
                }
            }
        }
    }

    /// <summary>
    /// <c>dinput[i] += gradient</c> for each window, where <c>i</c> is the window's first element in row-major order
    /// equal to the window's maximum <paramref name="result"/> (both NaN counts as equal): the first maximal element.
    /// </summary>
    public static void MaxBackward(in Pool2dShape s, ReadOnlySpan<T> gradient, ReadOnlySpan<T> result, ReadOnlySpan<T> input, Span<T> dinput)
    {
        if (IsHalving(s))
        {
            MaxBackward2x2(s, gradient, result, input, dinput);
            return;
        }

        int planeLength = s.Height * s.Width;
        int outLength = s.OutHeight * s.OutWidth;
        for (int p = 0; p < s.Planes; p++)
        {
            ReadOnlySpan<T> plane = input.Slice(p * planeLength, planeLength);
            ReadOnlySpan<T> gradientPlane = gradient.Slice(p * outLength, outLength);
            ReadOnlySpan<T> resultPlane = result.Slice(p * outLength, outLength);
            Span<T> dplane = dinput.Slice(p * planeLength, planeLength);
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++)
                {
                    int o = oh * s.OutWidth + ow;
                    int at = FirstMaximum(s, plane, Bounds(s, oh, ow), resultPlane[o]);
                    if (at >= 0)
                    {
                        dplane[at] += gradientPlane[o];
                    }
                }
            }
        }
    }

    /// <summary>The common case (2 × 2 windows, stride 2, no padding: LeNet's pooling), which has a loop of its own.</summary>
    private static bool IsHalving(in Pool2dShape s) => s.Kernel == 2 && s.Stride == 2 && s.Padding == 0;

    /// <summary><see cref="MaxForward"/> for 2 × 2 windows at stride 2: four loads and three maxima per output.</summary>
    private static void MaxForward2x2(in Pool2dShape s, ReadOnlySpan<T> input, Span<T> output)
    {
        int width = s.Width;
        int planeLength = s.Height * width;
        int outWidth = s.OutWidth;
        int outLength = s.OutHeight * outWidth;
        for (int p = 0; p < s.Planes; p++)
        {
            ReadOnlySpan<T> plane = input.Slice(p * planeLength, planeLength);
            Span<T> outPlane = output.Slice(p * outLength, outLength);
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                ReadOnlySpan<T> top = plane.Slice(2 * oh * width, width);
                ReadOnlySpan<T> bottom = plane.Slice((2 * oh + 1) * width, width);
                Span<T> outRow = outPlane.Slice(oh * outWidth, outWidth);
                for (int ow = 0; ow < outRow.Length; ow++)
                {
                    int left = 2 * ow;
                    outRow[ow] = T.Max(T.Max(top[left], top[left + 1]), T.Max(bottom[left], bottom[left + 1]));
                }
            }
        }
    }

    /// <summary>
    /// <see cref="MaxBackward"/> for 2 × 2 windows at stride 2: the first of the four elements (row-major) equal to the
    /// maximum, chosen with conditional moves rather than branches.
    /// </summary>
    private static void MaxBackward2x2(in Pool2dShape s, ReadOnlySpan<T> gradient, ReadOnlySpan<T> result, ReadOnlySpan<T> input, Span<T> dinput)
    {
        int width = s.Width;
        int planeLength = s.Height * width;
        int outWidth = s.OutWidth;
        int outLength = s.OutHeight * outWidth;
        for (int p = 0; p < s.Planes; p++)
        {
            ReadOnlySpan<T> plane = input.Slice(p * planeLength, planeLength);
            ReadOnlySpan<T> gradientPlane = gradient.Slice(p * outLength, outLength);
            ReadOnlySpan<T> resultPlane = result.Slice(p * outLength, outLength);
            Span<T> dplane = dinput.Slice(p * planeLength, planeLength);
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                int top = 2 * oh * width;
                int bottom = top + width;
                for (int ow = 0; ow < outWidth; ow++)
                {
                    int o = (oh * outWidth) + ow;
                    T max = resultPlane[o];
                    int left = 2 * ow;
                    int at = Same(plane[bottom + left + 1], max) ? bottom + left + 1 : -1;
                    at = Same(plane[bottom + left], max) ? bottom + left : at;
                    at = Same(plane[top + left + 1], max) ? top + left + 1 : at;
                    at = Same(plane[top + left], max) ? top + left : at;
                    if (at >= 0)
                    {
                        dplane[at] += gradientPlane[o];
                    }
                }
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> is the window's maximum <paramref name="max"/> (a NaN maximum matches a NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Same(T value, T max) => value == max || (T.IsNaN(max) && T.IsNaN(value));

    /// <summary>
    /// The plane index of the first element of window <paramref name="w"/> equal to <paramref name="max"/>, or −1 if
    /// none is (a result that is not the forward's). For windows of at most 64 elements the comparisons fill a bit mask
    /// whose lowest set bit is the answer, so where the maximum lies costs no branch misprediction.
    /// </summary>
    private static int FirstMaximum(in Pool2dShape s, ReadOnlySpan<T> plane, (int RowStart, int RowEnd, int ColumnStart, int ColumnEnd) w, T max)
    {
        bool nan = T.IsNaN(max);
        int columns = w.ColumnEnd - w.ColumnStart;
        if ((w.RowEnd - w.RowStart) * columns <= 64)
        {
            ulong mask = 0;
            int bit = 0;
            for (int ih = w.RowStart; ih < w.RowEnd; ih++)
            {
                ReadOnlySpan<T> row = plane.Slice(ih * s.Width + w.ColumnStart, columns);
                for (int j = 0; j < row.Length; j++, bit++)
                {
                    bool equal = (row[j] == max) | (nan & T.IsNaN(row[j]));
                    mask |= (ulong)(equal ? 1 : 0) << bit;
                }
            }

            if (mask == 0)
            {
                return -1;
            }

            int first = BitOperations.TrailingZeroCount(mask);
            int r = first / columns;
            return (w.RowStart + r) * s.Width + w.ColumnStart + first - r * columns;
        }

        for (int ih = w.RowStart; ih < w.RowEnd; ih++)
        {
            int rowStart = ih * s.Width;
            for (int iw = w.ColumnStart; iw < w.ColumnEnd; iw++)
            {
                T value = plane[rowStart + iw];
                if (value == max || (nan && T.IsNaN(value)))
                {
                    return rowStart + iw;
                }
            }
        }

        return -1;
    }

    /// <summary>The input rows and columns of window <c>(oh, ow)</c>, clipped to the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int RowStart, int RowEnd, int ColumnStart, int ColumnEnd) Bounds(in Pool2dShape s, int oh, int ow)
    {
        int rowStart = oh * s.Stride - s.Padding;
        int columnStart = ow * s.Stride - s.Padding;
        return (Math.Max(rowStart, 0), Math.Min(rowStart + s.Kernel, s.Height), Math.Max(columnStart, 0), Math.Min(columnStart + s.Kernel, s.Width));
    }

    /// <summary>
    /// <c>output[p, oh, ow]</c> = the sum of the window's input elements divided by the window's size in the padded
    /// input (<paramref name="countIncludePad"/>) or by its number of input elements.
    /// </summary>
    public static void AverageForward(in Pool2dShape s, ReadOnlySpan<T> input, Span<T> output, bool countIncludePad)
    {
        int planeLength = s.Height * s.Width;
        int outLength = s.OutHeight * s.OutWidth;
        for (int p = 0; p < s.Planes; p++)
        {
            ReadOnlySpan<T> plane = input.Slice(p * planeLength, planeLength);
            Span<T> outPlane = output.Slice(p * outLength, outLength);
            if (s.Padding == 0)
            {
                // Every window lies inside the plane: k² elements, whatever countIncludePad says.
                T divisor = T.CreateTruncating(s.Kernel * s.Kernel);
                for (int oh = 0; oh < s.OutHeight; oh++)
                {
                    for (int ow = 0; ow < s.OutWidth; ow++)
                    {
                        int start = oh * s.Stride * s.Width + ow * s.Stride;
                        T sum = T.Zero;
                        for (int ki = 0; ki < s.Kernel; ki++)
                        {
                            ReadOnlySpan<T> row = plane.Slice(start + ki * s.Width, s.Kernel);
                            for (int kj = 0; kj < row.Length; kj++)
                            {
                                sum += row[kj];
                            }
                        }

                        outPlane[oh * s.OutWidth + ow] = sum / divisor;
                    }
                }

                continue;
            }

            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++)
                {
                    var w = Window(s, oh, ow, countIncludePad);
                    T sum = T.Zero;
                    for (int ih = w.RowStart; ih < w.RowEnd; ih++)
                    {
                        ReadOnlySpan<T> row = plane.Slice(ih * s.Width);
                        for (int iw = w.ColumnStart; iw < w.ColumnEnd; iw++)
                        {
                            sum += row[iw];
                        }
                    }

                    outPlane[oh * s.OutWidth + ow] = sum / w.Divisor;
                }
            }
        }
    }

    /// <summary><c>dinput[each element of a window] += gradient / divisor</c>.</summary>
    public static void AverageBackward(in Pool2dShape s, ReadOnlySpan<T> gradient, Span<T> dinput, bool countIncludePad)
    {
        int planeLength = s.Height * s.Width;
        int outLength = s.OutHeight * s.OutWidth;
        for (int p = 0; p < s.Planes; p++)
        {
            ReadOnlySpan<T> gradientPlane = gradient.Slice(p * outLength, outLength);
            Span<T> dplane = dinput.Slice(p * planeLength, planeLength);
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++)
                {
                    var w = Window(s, oh, ow, countIncludePad);
                    T share = gradientPlane[oh * s.OutWidth + ow] / w.Divisor;
                    for (int ih = w.RowStart; ih < w.RowEnd; ih++)
                    {
                        Span<T> row = dplane.Slice(ih * s.Width);
                        for (int iw = w.ColumnStart; iw < w.ColumnEnd; iw++)
                        {
                            row[iw] += share;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The input rows and columns of window <c>(oh, ow)</c>, clipped to the input, and the divisor of its mean: as
    /// PyTorch's <c>avg_pool2d</c>, the window clipped to the padded input, or the clipped window.
    /// </summary>
    private static (int RowStart, int RowEnd, int ColumnStart, int ColumnEnd, T Divisor) Window(in Pool2dShape s, int oh, int ow, bool countIncludePad)
    {
        int rowStart = oh * s.Stride - s.Padding;
        int columnStart = ow * s.Stride - s.Padding;
        int rowEnd = Math.Min(rowStart + s.Kernel, s.Height + s.Padding);
        int columnEnd = Math.Min(columnStart + s.Kernel, s.Width + s.Padding);
        int paddedCount = (rowEnd - rowStart) * (columnEnd - columnStart);
        rowStart = Math.Max(rowStart, 0);
        columnStart = Math.Max(columnStart, 0);
        rowEnd = Math.Min(rowEnd, s.Height);
        columnEnd = Math.Min(columnEnd, s.Width);
        int count = countIncludePad ? paddedCount : (rowEnd - rowStart) * (columnEnd - columnStart);
        return (rowStart, rowEnd, columnStart, columnEnd, T.CreateTruncating(count));
    }
}
