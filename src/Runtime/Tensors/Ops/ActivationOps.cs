using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

/// <summary>The loops behind the activation functions of <see cref="TensorMath"/> that have no single <see cref="TensorPrimitives"/> kernel.</summary>
internal static class ActivationOps
{
    /// <summary>Σ g·x over the elements with x ≤ 0 (the derivative of LeakyReLU with respect to its slope).</summary>
    public static double NegativePartDot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (!(x[i] > T.Zero))
            {
                sum += double.CreateTruncating(x[i] * g[i]);
            }
        }

        return sum;
    }

    /// <summary><c>y = x·Φ(x)</c>, evaluated in double precision.</summary>
    public static void Gelu<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < y.Length; i++)
        {
            double v = double.CreateTruncating(x[i]);
            y[i] = T.CreateTruncating(v * SpecialFunctions.NormalCdf(v));
        }
    }

    /// <summary><c>dx += g·(Φ(x) + x·φ(x))</c>, evaluated in double precision.</summary>
    public static void GeluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < dx.Length; i++)
        {
            double v = double.CreateTruncating(x[i]);
            double slope = SpecialFunctions.NormalCdf(v) + v * SpecialFunctions.NormalPdf(v);
            dx[i] += T.CreateTruncating(double.CreateTruncating(g[i]) * slope);
        }
    }

    /// <summary>Softmax (or, when <paramref name="log"/>, log-softmax) of <paramref name="x"/> along the layout's axis into <paramref name="y"/>.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> x, Span<T> y, AxisLayout layout, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = layout.Size;
        int inner = layout.Inner;
        if (y.IsEmpty)
        {
            return;
        }

        if (inner == 1)
        {
            for (int o = 0; o < layout.Outer; o++)
            {
                ReadOnlySpan<T> row = x.Slice(o * size, size);
                Span<T> to = y.Slice(o * size, size);
                T rowMax = TensorPrimitives.Max(row);
                TensorPrimitives.Subtract(row, rowMax, to);
                TensorPrimitives.Exp(to, to);
                T sum = TensorPrimitives.Sum<T>(to);
                if (log)
                {
                    TensorPrimitives.Subtract(row, rowMax + T.Log(sum), to);
                }
                else
                {
                    TensorPrimitives.Multiply(to, T.One / sum, to);
                }
            }

            return;
        }

        // Slices along the axis are strided: work on whole rows of Inner elements, with a running maximum and sum.
        Span<T> scratch = ElementwiseOps.Scratch<T>(2 * inner);
        Span<T> max = scratch[..inner];
        Span<T> sums = scratch[inner..];
        for (int o = 0; o < layout.Outer; o++)
        {
            ReadOnlySpan<T> block = x.Slice(o * layout.Block, layout.Block);
            Span<T> to = y.Slice(o * layout.Block, layout.Block);
            block[..inner].CopyTo(max);
            for (int j = 1; j < size; j++)
            {
                TensorPrimitives.Max(max, block.Slice(j * inner, inner), max);
            }

            sums.Clear();
            for (int j = 0; j < size; j++)
            {
                Span<T> row = to.Slice(j * inner, inner);
                TensorPrimitives.Subtract(block.Slice(j * inner, inner), max, row);
                TensorPrimitives.Exp(row, row);
                TensorPrimitives.Add(sums, row, sums);
            }

            if (log)
            {
                // log-sum-exp = max + ln Σ
                TensorPrimitives.Log(sums, sums);
                TensorPrimitives.Add(sums, max, sums);
                for (int j = 0; j < size; j++)
                {
                    TensorPrimitives.Subtract(block.Slice(j * inner, inner), sums, to.Slice(j * inner, inner));
                }
            }
            else
            {
                for (int j = 0; j < size; j++)
                {
                    Span<T> row = to.Slice(j * inner, inner);
                    TensorPrimitives.Divide(row, sums, row);
                }
            }
        }
    }

    /// <summary>
    /// Softmax backward, <c>dx += y·(g − Σ_axis g·y)</c>, or when <paramref name="log"/> (y the log-softmax)
    /// <c>dx += g − exp(y)·Σ_axis g</c>.
    /// </summary>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx, AxisLayout layout, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = layout.Size;
        int inner = layout.Inner;
        if (dx.IsEmpty)
        {
            return;
        }

        if (inner == 1)
        {
            Span<T> expY = log ? ElementwiseOps.Scratch<T>(size) : default;
            for (int o = 0; o < layout.Outer; o++)
            {
                ReadOnlySpan<T> gr = g.Slice(o * size, size);
                ReadOnlySpan<T> yr = y.Slice(o * size, size);
                Span<T> dr = dx.Slice(o * size, size);
                if (log)
                {
                    TensorPrimitives.Exp(yr, expY);
                    ElementKernels.Accumulate<T, ElementKernels.LogSoftmaxGradient<T>>(expY, gr, TensorPrimitives.Sum(gr), dr);
                }
                else
                {
                    ElementKernels.Accumulate<T, ElementKernels.SoftmaxGradient<T>>(yr, gr, TensorPrimitives.Dot(gr, yr), dr);
                }
            }

            return;
        }

        Span<T> scratch = ElementwiseOps.Scratch<T>(2 * inner);
        Span<T> sums = scratch[..inner];
        Span<T> t = scratch[inner..];
        for (int o = 0; o < layout.Outer; o++)
        {
            int start = o * layout.Block;
            sums.Clear();
            for (int j = 0; j < size; j++)
            {
                ReadOnlySpan<T> gr = g.Slice(start + j * inner, inner);
                if (log)
                {
                    TensorPrimitives.Add(sums, gr, sums);
                }
                else
                {
                    TensorPrimitives.MultiplyAdd(gr, y.Slice(start + j * inner, inner), sums, sums);
                }
            }

            for (int j = 0; j < size; j++)
            {
                ReadOnlySpan<T> gr = g.Slice(start + j * inner, inner);
                ReadOnlySpan<T> yr = y.Slice(start + j * inner, inner);
                Span<T> dr = dx.Slice(start + j * inner, inner);
                if (log)
                {
                    // dx += g − exp(y)·Σg
                    TensorPrimitives.Exp(yr, t);
                    TensorPrimitives.Multiply(t, sums, t);
                    TensorPrimitives.Subtract(gr, t, t);
                    TensorPrimitives.Add(dr, t, dr);
                }
                else
                {
                    // dx += y·(g − Σ g·y)
                    TensorPrimitives.Subtract(gr, sums, t);
                    TensorPrimitives.MultiplyAdd(yr, t, dr, dr);
                }
            }
        }
    }
}
