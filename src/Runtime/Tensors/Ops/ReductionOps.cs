using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

/// <summary>The loops behind the reductions of <see cref="TensorMath"/> along an axis, and their backward broadcasts.</summary>
internal static class ReductionOps
{
    /// <summary>Sum (or mean) along an axis: the body of <c>TensorMath.Sum(x, axis, keepDim)</c> and <c>Mean</c>.</summary>
    public static Tensor Reduce(string operation, Tensor x, int axis, bool keepDim, bool mean)
    {
        var layout = AxisLayout.Of(x, axis, operation);
        Span<int> shape = stackalloc int[x.Rank];
        var result = Tensor.Empty(x.DType, layout.ReducedShape(x.Shape, keepDim, shape));
        double scale = mean ? 1.0 / layout.Size : 1.0;
        if (ElementwiseOps.IsFloat32(x))
        {
            SumAlong<float>(x.Floats, result.Floats, layout, (float)scale);
        }
        else
        {
            SumAlong<double>(x.Doubles, result.Doubles, layout, scale);
        }

        return result;
    }

    /// <summary>The body of the rules of <c>TensorMath.Sum(x, axis, keepDim)</c> and <c>Mean</c>.</summary>
    public static void ReduceBackward(string operation, Tensor gradient, Tensor result, Tensor x, int axis, Tensor? dx, bool mean)
    {
        var layout = AxisLayout.Of(x, axis, operation);
        OpChecks.ReductionBackward(operation, gradient, result, x, dx, layout);
        if (dx is null)
        {
            return;
        }

        double scale = mean ? 1.0 / layout.Size : 1.0;
        if (ElementwiseOps.IsFloat32(x))
        {
            BroadcastAddAlong<float>(gradient.Floats, dx.Floats, layout, (float)scale);
        }
        else
        {
            BroadcastAddAlong<double>(gradient.Doubles, dx.Doubles, layout, scale);
        }
    }

    /// <summary><c>y[o, i] = scale · Σⱼ x[o, j, i]</c>.</summary>
    public static void SumAlong<T>(ReadOnlySpan<T> x, Span<T> y, AxisLayout layout, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inner = layout.Inner;
        if (inner == 1)
        {
            for (int o = 0; o < layout.Outer; o++)
            {
                y[o] = scale * TensorPrimitives.Sum(x.Slice(o * layout.Size, layout.Size));
            }

            return;
        }

        for (int o = 0; o < layout.Outer; o++)
        {
            Span<T> to = y.Slice(o * inner, inner);
            to.Clear();
            ReadOnlySpan<T> block = x.Slice(o * layout.Block, layout.Block);
            for (int j = 0; j < layout.Size; j++)
            {
                TensorPrimitives.Add(to, block.Slice(j * inner, inner), to);
            }

            if (scale != T.One)
            {
                TensorPrimitives.Multiply(to, scale, to);
            }
        }
    }

    /// <summary><c>dx[o, j, i] += scale · g[o, i]</c>: the backward of <see cref="SumAlong{T}"/>.</summary>
    public static void BroadcastAddAlong<T>(ReadOnlySpan<T> g, Span<T> dx, AxisLayout layout, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inner = layout.Inner;
        if (inner == 1)
        {
            for (int o = 0; o < layout.Outer; o++)
            {
                Span<T> row = dx.Slice(o * layout.Size, layout.Size);
                TensorPrimitives.Add(row, scale * g[o], row);
            }

            return;
        }

        for (int o = 0; o < layout.Outer; o++)
        {
            ReadOnlySpan<T> from = g.Slice(o * inner, inner);
            Span<T> block = dx.Slice(o * layout.Block, layout.Block);
            for (int j = 0; j < layout.Size; j++)
            {
                Span<T> row = block.Slice(j * inner, inner);
                TensorPrimitives.MultiplyAdd(from, scale, row, row);
            }
        }
    }

    /// <summary><c>y[o, i] = maxⱼ x[o, j, i]</c> (NaN if any is NaN); the axis must not be empty.</summary>
    public static void MaxAlong<T>(ReadOnlySpan<T> x, Span<T> y, AxisLayout layout)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inner = layout.Inner;
        if (inner == 1)
        {
            for (int o = 0; o < layout.Outer; o++)
            {
                y[o] = TensorPrimitives.Max(x.Slice(o * layout.Size, layout.Size));
            }

            return;
        }

        for (int o = 0; o < layout.Outer; o++)
        {
            Span<T> to = y.Slice(o * inner, inner);
            ReadOnlySpan<T> block = x.Slice(o * layout.Block, layout.Block);
            block[..inner].CopyTo(to);
            for (int j = 1; j < layout.Size; j++)
            {
                TensorPrimitives.Max(to, block.Slice(j * inner, inner), to);
            }
        }
    }

    /// <summary>
    /// <c>indices[o·Inner + i]</c> = the first j where <c>x[o, j, i]</c> is the maximum along the axis (the first NaN,
    /// if there is one); the axis must not be empty.
    /// </summary>
    public static void ArgMaxAlong<T>(ReadOnlySpan<T> x, Span<int> indices, AxisLayout layout)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inner = layout.Inner;
        for (int o = 0; o < layout.Outer; o++)
        {
            ReadOnlySpan<T> block = x.Slice(o * layout.Block, layout.Block);
            if (inner == 1)
            {
                indices[o] = TensorPrimitives.IndexOfMax(block);
                continue;
            }

            for (int i = 0; i < inner; i++)
            {
                indices[o * inner + i] = FirstMaximum(block, i, inner, layout.Size);
            }
        }
    }

    /// <summary><c>dx[o, argmaxⱼ, i] += g[o, i]</c>: the backward of <see cref="MaxAlong{T}"/>, the gradient going to the first maximum.</summary>
    public static void MaxAlongBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, Span<T> dx, AxisLayout layout)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inner = layout.Inner;
        for (int o = 0; o < layout.Outer; o++)
        {
            int start = o * layout.Block;
            if (inner == 1)
            {
                dx[start + TensorPrimitives.IndexOfMax(x.Slice(start, layout.Size))] += g[o];
                continue;
            }

            ReadOnlySpan<T> block = x.Slice(start, layout.Block);
            for (int i = 0; i < inner; i++)
            {
                dx[start + FirstMaximum(block, i, inner, layout.Size) * inner + i] += g[o * inner + i];
            }
        }
    }

    /// <summary>The first j where <c>block[j·inner + i]</c> is largest, or is NaN (as <see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/> does for a contiguous run).</summary>
    private static int FirstMaximum<T>(ReadOnlySpan<T> block, int i, int inner, int size)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int best = 0;
        T bestValue = block[i];
        for (int j = 1; j < size && !T.IsNaN(bestValue); j++)
        {
            T value = block[j * inner + i];
            if (value > bestValue || T.IsNaN(value))
            {
                best = j;
                bestValue = value;
            }
        }

        return best;
    }
}
