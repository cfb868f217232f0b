using System;
using System.Numerics;

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
    /// <c>output[p, oh, ow]</c> = the maximum of the window. The first maximal element in row-major order wins a tie; a
    /// NaN wins over any number (the last NaN over an earlier one), as PyTorch does on the CPU.
    /// </summary>
    public static void MaxForward(in Pool2dShape s, ReadOnlySpan<T> input, Span<T> output)
    {
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
                    outPlane[oh * s.OutWidth + ow] = plane[ArgMax(s, plane, oh, ow)];
                }
            }
        }
    }

    /// <summary><c>dinput[argmax of each window] += gradient</c>, the argmax found again as the forward found it.</summary>
    public static void MaxBackward(in Pool2dShape s, ReadOnlySpan<T> gradient, ReadOnlySpan<T> input, Span<T> dinput)
    {
        int planeLength = s.Height * s.Width;
        int outLength = s.OutHeight * s.OutWidth;
        for (int p = 0; p < s.Planes; p++)
        {
            ReadOnlySpan<T> plane = input.Slice(p * planeLength, planeLength);
            ReadOnlySpan<T> gradientPlane = gradient.Slice(p * outLength, outLength);
            Span<T> dplane = dinput.Slice(p * planeLength, planeLength);
            for (int oh = 0; oh < s.OutHeight; oh++)
            {
                for (int ow = 0; ow < s.OutWidth; ow++)
                {
                    dplane[ArgMax(s, plane, oh, ow)] += gradientPlane[oh * s.OutWidth + ow];
                }
            }
        }
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

    /// <summary>The index in its plane of the element a max-pooling window picks.</summary>
    private static int ArgMax(in Pool2dShape s, ReadOnlySpan<T> plane, int oh, int ow)
    {
        var w = Window(s, oh, ow, countIncludePad: false);
        int best = w.RowStart * s.Width + w.ColumnStart;
        T bestValue = plane[best];
        for (int ih = w.RowStart; ih < w.RowEnd; ih++)
        {
            int rowStart = ih * s.Width;
            for (int iw = w.ColumnStart; iw < w.ColumnEnd; iw++)
            {
                T value = plane[rowStart + iw];
                if (value > bestValue || T.IsNaN(value))
                {
                    best = rowStart + iw;
                    bestValue = value;
                }
            }
        }

        return best;
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
