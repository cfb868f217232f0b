using System;

namespace DiffGen;

/// <summary>
/// A contiguous tensor seen along one axis as <c>[Outer, Size, Inner]</c>: <see cref="Outer"/> is the product of the
/// dimensions before the axis, <see cref="Size"/> the axis's own size, <see cref="Inner"/> the product of those after.
/// Element <c>(o, j, i)</c> is at <c>(o·Size + j)·Inner + i</c>, so for each <c>o</c> the slices along the axis are
/// <see cref="Size"/> rows of <see cref="Inner"/> contiguous elements (one element each for the last axis).
/// </summary>
internal readonly struct AxisLayout
{
    private AxisLayout(int outer, int size, int inner, int axis)
    {
        Outer = outer;
        Size = size;
        Inner = inner;
        Axis = axis;
    }

    /// <summary>The product of the dimensions before the axis.</summary>
    public int Outer { get; }

    /// <summary>The size of the axis.</summary>
    public int Size { get; }

    /// <summary>The product of the dimensions after the axis.</summary>
    public int Inner { get; }

    /// <summary>The axis, normalised to be non-negative.</summary>
    public int Axis { get; }

    /// <summary>The number of elements of one <c>[Size, Inner]</c> block.</summary>
    public int Block => Size * Inner;

    /// <summary>The layout of <paramref name="x"/> along <paramref name="axis"/> (negative counts from the end).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside the tensor's rank.</exception>
    public static AxisLayout Of(Tensor x, int axis, string operation)
    {
        ArgumentNullException.ThrowIfNull(x);
        int normalized = Tensor.NormalizeAxis(axis, x.Rank, operation);
        ReadOnlySpan<int> shape = x.Shape;
        int outer = 1;
        for (int i = 0; i < normalized; i++)
        {
            outer *= shape[i];
        }

        int inner = 1;
        for (int i = normalized + 1; i < shape.Length; i++)
        {
            inner *= shape[i];
        }

        return new AxisLayout(outer, shape[normalized], inner, normalized);
    }

    /// <summary>Writes the shape of a reduction of <paramref name="shape"/> along <see cref="Axis"/> into <paramref name="result"/>
    /// (rank − 1 dimensions, or rank with the axis kept as 1) and returns the part written.</summary>
    public Span<int> ReducedShape(ReadOnlySpan<int> shape, bool keepDim, Span<int> result)
    {
        int n = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            if (i != Axis)
            {
                result[n++] = shape[i];
            }
            else if (keepDim)
            {
                result[n++] = 1;
            }
        }

        return result[..n];
    }
}
