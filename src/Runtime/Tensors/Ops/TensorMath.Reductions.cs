using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace DiffGen;

// Reductions: Sum, Mean, Max over all elements (a scalar tensor of shape []) or along an axis; ArgMax.
public static partial class TensorMath
{
    /// <summary>The sum of all elements, as a scalar tensor of shape <c>[]</c> (0 for an empty tensor).</summary>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor of shape <c>[]</c>; read its value with <see cref="Tensor.Item"/>.</returns>
    public static Tensor Sum(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var result = Tensor.Empty(x.DType, ReadOnlySpan<int>.Empty);
        if (ElementwiseOps.IsFloat32(x))
        {
            result.Floats[0] = TensorPrimitives.Sum<float>(x.Floats);
        }
        else
        {
            result.Doubles[0] = TensorPrimitives.Sum<double>(x.Doubles);
        }

        return result;
    }

    /// <summary>The backward rule of <see cref="Sum(Tensor)"/>: <c>dx += g</c> in every element.</summary>
    /// <param name="gradient">The upstream gradient, of shape <c>[]</c>.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Sum))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SumBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.ReductionBackward(nameof(Sum), gradient, result, x, dx);
        ElementwiseOps.AddScalar(dx, gradient.Item());
    }

    /// <summary>The sums along <paramref name="axis"/>.</summary>
    /// <param name="x">The tensor (rank 1 or more).</param>
    /// <param name="axis">The axis to sum over; negative counts from the end.</param>
    /// <param name="keepDim">Whether the result keeps the axis, with size 1 (so that it broadcasts against <paramref name="x"/>).</param>
    /// <returns>A tensor with the shape of <paramref name="x"/> without the axis, or with it as 1 when <paramref name="keepDim"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside the tensor's rank.</exception>
    public static Tensor Sum(Tensor x, int axis, bool keepDim = false) => ReductionOps.Reduce(nameof(Sum), x, axis, keepDim, mean: false);

    /// <summary>The backward rule of <see cref="Sum(Tensor, int, bool)"/>: every element of <c>dx</c> receives the gradient of its slice's sum.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis that was summed over.</param>
    /// <param name="keepDim">Whether the result kept the axis.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Sum))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SumBackward(Tensor gradient, Tensor result, Tensor x, int axis, bool keepDim, Tensor? dx) =>
        ReductionOps.ReduceBackward(nameof(Sum), gradient, result, x, axis, dx, mean: false);

    /// <summary>The mean of all elements, as a scalar tensor of shape <c>[]</c> (NaN for an empty tensor).</summary>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor of shape <c>[]</c>; read its value with <see cref="Tensor.Item"/>.</returns>
    public static Tensor Mean(Tensor x)
    {
        var result = Sum(x);
        result.Fill(result.Item() / x.Length);
        return result;
    }

    /// <summary>The backward rule of <see cref="Mean(Tensor)"/>: <c>dx += g / n</c> in every element, n the number of elements.</summary>
    /// <param name="gradient">The upstream gradient, of shape <c>[]</c>.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Mean))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MeanBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.ReductionBackward(nameof(Mean), gradient, result, x, dx);
        ElementwiseOps.AddScalar(dx, gradient.Item() / x.Length);
    }

    /// <summary>The means along <paramref name="axis"/>.</summary>
    /// <param name="x">The tensor (rank 1 or more).</param>
    /// <param name="axis">The axis to average over; negative counts from the end.</param>
    /// <param name="keepDim">Whether the result keeps the axis, with size 1 (so that it broadcasts against <paramref name="x"/>).</param>
    /// <returns>A tensor with the shape of <paramref name="x"/> without the axis, or with it as 1 when <paramref name="keepDim"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside the tensor's rank.</exception>
    public static Tensor Mean(Tensor x, int axis, bool keepDim = false) => ReductionOps.Reduce(nameof(Mean), x, axis, keepDim, mean: true);

    /// <summary>The backward rule of <see cref="Mean(Tensor, int, bool)"/>: every element of <c>dx</c> receives its slice's gradient divided by the axis size.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis that was averaged over.</param>
    /// <param name="keepDim">Whether the result kept the axis.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Mean))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MeanBackward(Tensor gradient, Tensor result, Tensor x, int axis, bool keepDim, Tensor? dx) =>
        ReductionOps.ReduceBackward(nameof(Mean), gradient, result, x, axis, dx, mean: true);

    /// <summary>The largest element, as a scalar tensor of shape <c>[]</c> (NaN if any element is NaN).</summary>
    /// <param name="x">The tensor; not empty.</param>
    /// <returns>A tensor of shape <c>[]</c>; read its value with <see cref="Tensor.Item"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty.</exception>
    public static Tensor Max(Tensor x)
    {
        OpChecks.NotEmpty(nameof(Max), x);
        var result = Tensor.Empty(x.DType, ReadOnlySpan<int>.Empty);
        if (ElementwiseOps.IsFloat32(x))
        {
            result.Floats[0] = TensorPrimitives.Max<float>(x.Floats);
        }
        else
        {
            result.Doubles[0] = TensorPrimitives.Max<double>(x.Doubles);
        }

        return result;
    }

    /// <summary>The backward rule of <see cref="Max(Tensor)"/>: the whole gradient goes to the first maximal element (the one <see cref="ArgMax(Tensor)"/> returns).</summary>
    /// <param name="gradient">The upstream gradient, of shape <c>[]</c>.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Max))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MaxBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.ReductionBackward(nameof(Max), gradient, result, x, dx);
        if (dx is null)
        {
            return;
        }

        int index = ArgMax(x);
        if (ElementwiseOps.IsFloat32(x))
        {
            dx.Floats[index] += gradient.Floats[0];
        }
        else
        {
            dx.Doubles[index] += gradient.Doubles[0];
        }
    }

    /// <summary>The maxima along <paramref name="axis"/> (NaN where a slice holds a NaN).</summary>
    /// <param name="x">The tensor (rank 1 or more); the axis must not be empty.</param>
    /// <param name="axis">The axis to take the maximum over; negative counts from the end.</param>
    /// <param name="keepDim">Whether the result keeps the axis, with size 1 (so that it broadcasts against <paramref name="x"/>).</param>
    /// <returns>A tensor with the shape of <paramref name="x"/> without the axis, or with it as 1 when <paramref name="keepDim"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside the tensor's rank.</exception>
    /// <exception cref="ArgumentException">The axis has size 0.</exception>
    public static Tensor Max(Tensor x, int axis, bool keepDim = false)
    {
        var layout = AxisLayout.Of(x, axis, nameof(Max));
        OpChecks.AxisNotEmpty(nameof(Max), x, layout);
        Span<int> shape = stackalloc int[x.Rank];
        var result = Tensor.Empty(x.DType, layout.ReducedShape(x.Shape, keepDim, shape));
        if (ElementwiseOps.IsFloat32(x))
        {
            ReductionOps.MaxAlong<float>(x.Floats, result.Floats, layout);
        }
        else
        {
            ReductionOps.MaxAlong<double>(x.Doubles, result.Doubles, layout);
        }

        return result;
    }

    /// <summary>The backward rule of <see cref="Max(Tensor, int, bool)"/>: each slice's gradient goes to its first maximal element.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis the maximum was taken over.</param>
    /// <param name="keepDim">Whether the result kept the axis.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Max))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MaxBackward(Tensor gradient, Tensor result, Tensor x, int axis, bool keepDim, Tensor? dx)
    {
        var layout = AxisLayout.Of(x, axis, nameof(Max));
        OpChecks.ReductionBackward(nameof(Max), gradient, result, x, dx, layout);
        if (dx is null)
        {
            return;
        }

        if (ElementwiseOps.IsFloat32(x))
        {
            ReductionOps.MaxAlongBackward<float>(x.Floats, gradient.Floats, dx.Floats, layout);
        }
        else
        {
            ReductionOps.MaxAlongBackward<double>(x.Doubles, gradient.Doubles, dx.Doubles, layout);
        }
    }

    /// <summary>
    /// The row-major (flat) index of the largest element: the first one if it occurs more than once, the first NaN if
    /// there is one. Not differentiable.
    /// </summary>
    /// <param name="x">The tensor; not empty.</param>
    /// <returns>An index in <c>[0, x.Length)</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty.</exception>
    public static int ArgMax(Tensor x)
    {
        OpChecks.NotEmpty(nameof(ArgMax), x);
        return ElementwiseOps.IsFloat32(x) ? TensorPrimitives.IndexOfMax<float>(x.Floats) : TensorPrimitives.IndexOfMax<double>(x.Doubles);
    }

    /// <summary>
    /// The index along <paramref name="axis"/> of the largest element of each slice (the first one on ties, the first
    /// NaN if there is one), for example the predicted class of each row of logits with <c>ArgMax(logits, 1)</c>.
    /// Not differentiable.
    /// </summary>
    /// <param name="x">The tensor (rank 1 or more); the axis must not be empty.</param>
    /// <param name="axis">The axis to search along; negative counts from the end.</param>
    /// <returns>
    /// A new array with one index per slice, in row-major order of the remaining dimensions (its length is
    /// <c>x.Length / x.Size(axis)</c>). To avoid the allocation in a loop, use <see cref="ArgMax(Tensor, int, Span{int})"/>.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside the tensor's rank.</exception>
    /// <exception cref="ArgumentException">The axis has size 0.</exception>
    public static int[] ArgMax(Tensor x, int axis)
    {
        var layout = AxisLayout.Of(x, axis, nameof(ArgMax));
        var indices = new int[layout.Outer * layout.Inner];
        ArgMax(x, axis, indices);
        return indices;
    }

    /// <summary>
    /// Writes the index along <paramref name="axis"/> of the largest element of each slice (the first one on ties, the
    /// first NaN if there is one) into <paramref name="destination"/>. Not differentiable.
    /// </summary>
    /// <param name="x">The tensor (rank 1 or more); the axis must not be empty.</param>
    /// <param name="axis">The axis to search along; negative counts from the end.</param>
    /// <param name="destination">One index per slice, in row-major order of the remaining dimensions: <c>x.Length / x.Size(axis)</c> elements.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside the tensor's rank.</exception>
    /// <exception cref="ArgumentException">The axis has size 0, or <paramref name="destination"/> has the wrong length.</exception>
    public static void ArgMax(Tensor x, int axis, Span<int> destination)
    {
        var layout = AxisLayout.Of(x, axis, nameof(ArgMax));
        OpChecks.AxisNotEmpty(nameof(ArgMax), x, layout);
        if (destination.Length != layout.Outer * layout.Inner)
        {
            throw new ArgumentException(
                $"ArgMax: the destination has {destination.Length} elements; a tensor of shape {x.ShapeText()} along axis {axis} has {layout.Outer * layout.Inner} slices.",
                nameof(destination));
        }

        if (ElementwiseOps.IsFloat32(x))
        {
            ReductionOps.ArgMaxAlong<float>(x.Floats, destination, layout);
        }
        else
        {
            ReductionOps.ArgMaxAlong<double>(x.Doubles, destination, layout);
        }
    }
}
