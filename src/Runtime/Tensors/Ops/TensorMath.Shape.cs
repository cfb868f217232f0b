using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace DiffGen;

// Shape operations: Transpose, Reshape, Flatten, Concat.
public static partial class TensorMath
{
    /// <summary>The transpose of a matrix: <c>[m, n] → [n, m]</c>, copied.</summary>
    /// <param name="x">A tensor of rank 2.</param>
    /// <returns>A new tensor of shape <c>[n, m]</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> does not have rank 2.</exception>
    public static Tensor Transpose(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 2)
        {
            throw new ArgumentException($"Transpose: Transpose(x) needs a matrix (rank 2); x has shape {x.ShapeText()}. Use Transpose(x, axis0, axis1) to swap two axes of another rank.", nameof(x));
        }

        return Transpose(x, 0, 1);
    }

    /// <summary>The backward rule of <see cref="Transpose(Tensor)"/>: <c>dx += gᵀ</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The matrix.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Transpose))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void TransposeBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx) =>
        TransposeBackward(gradient, result, x, 0, 1, dx);

    /// <summary>A copy of <paramref name="x"/> with axes <paramref name="axis0"/> and <paramref name="axis1"/> swapped (PyTorch's <c>transpose(dim0, dim1)</c>).</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="axis0">One axis; negative counts from the end.</param>
    /// <param name="axis1">The other axis; negative counts from the end. It may equal <paramref name="axis0"/> (a plain copy).</param>
    /// <returns>A new tensor whose shape is that of <paramref name="x"/> with the two sizes swapped.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An axis is outside the tensor's rank.</exception>
    public static Tensor Transpose(Tensor x, int axis0, int axis1)
    {
        ArgumentNullException.ThrowIfNull(x);
        int first = Tensor.NormalizeAxis(axis0, x.Rank, nameof(Transpose));
        int second = Tensor.NormalizeAxis(axis1, x.Rank, nameof(Transpose));
        Span<int> shape = stackalloc int[x.Rank];
        x.Shape.CopyTo(shape);
        (shape[first], shape[second]) = (shape[second], shape[first]);
        var result = Tensor.Empty(x.DType, shape);
        ShapeOps.SwapAxes(x, Math.Min(first, second), Math.Max(first, second), result, accumulate: false);
        return result;
    }

    /// <summary>The backward rule of <see cref="Transpose(Tensor, int, int)"/>: <c>dx +=</c> the gradient with the same two axes swapped back.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="axis0">One axis that was swapped.</param>
    /// <param name="axis1">The other axis.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Transpose))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void TransposeBackward(Tensor gradient, Tensor result, Tensor x, int axis0, int axis1, Tensor? dx)
    {
        ArgumentNullException.ThrowIfNull(x);
        OpChecks.Upstream(nameof(Transpose), gradient, result);
        OpChecks.SameDType(nameof(Transpose), x, gradient);
        OpChecks.Gradient(nameof(Transpose), nameof(dx), x, dx);
        int first = Tensor.NormalizeAxis(axis0, x.Rank, nameof(Transpose));
        int second = Tensor.NormalizeAxis(axis1, x.Rank, nameof(Transpose));
        if (dx is not null)
        {
            ShapeOps.SwapAxes(gradient, Math.Min(first, second), Math.Max(first, second), dx, accumulate: true);
        }
    }

    /// <summary>
    /// <paramref name="x"/> with a new shape of one dimension: a view sharing its storage (see <see cref="Tensor.Reshape"/>).
    /// A size may be −1, inferred from the others.
    /// </summary>
    /// <param name="x">The tensor.</param>
    /// <param name="d0">The size, or −1 for <c>x.Length</c>.</param>
    /// <returns>A view of shape <c>[d0]</c>.</returns>
    /// <exception cref="ArgumentException">The new shape does not have <c>x.Length</c> elements.</exception>
    public static Tensor Reshape(Tensor x, int d0)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Reshape(d0);
    }

    /// <summary>The backward rule of <see cref="Reshape(Tensor, int)"/>: <c>dx += g</c>, element by element in row-major order.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="d0">The new size.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Reshape))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ReshapeBackward(Tensor gradient, Tensor result, Tensor x, int d0, Tensor? dx) =>
        ShapeOps.SameElementsBackward(nameof(Reshape), gradient, result, x, dx);

    /// <summary>
    /// <paramref name="x"/> with a new shape of two dimensions: a view sharing its storage (see <see cref="Tensor.Reshape"/>).
    /// One size may be −1, inferred from the other.
    /// </summary>
    /// <param name="x">The tensor.</param>
    /// <param name="d0">The first size.</param>
    /// <param name="d1">The second size.</param>
    /// <returns>A view of shape <c>[d0, d1]</c>.</returns>
    /// <exception cref="ArgumentException">The new shape does not have <c>x.Length</c> elements.</exception>
    public static Tensor Reshape(Tensor x, int d0, int d1)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Reshape(d0, d1);
    }

    /// <summary>The backward rule of <see cref="Reshape(Tensor, int, int)"/>: <c>dx += g</c>, element by element in row-major order.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="d0">The first size.</param>
    /// <param name="d1">The second size.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Reshape))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ReshapeBackward(Tensor gradient, Tensor result, Tensor x, int d0, int d1, Tensor? dx) =>
        ShapeOps.SameElementsBackward(nameof(Reshape), gradient, result, x, dx);

    /// <summary>
    /// <paramref name="x"/> with a new shape of three dimensions: a view sharing its storage (see <see cref="Tensor.Reshape"/>).
    /// One size may be −1, inferred from the others.
    /// </summary>
    /// <param name="x">The tensor.</param>
    /// <param name="d0">The first size.</param>
    /// <param name="d1">The second size.</param>
    /// <param name="d2">The third size.</param>
    /// <returns>A view of shape <c>[d0, d1, d2]</c>.</returns>
    /// <exception cref="ArgumentException">The new shape does not have <c>x.Length</c> elements.</exception>
    public static Tensor Reshape(Tensor x, int d0, int d1, int d2)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Reshape(d0, d1, d2);
    }

    /// <summary>The backward rule of <see cref="Reshape(Tensor, int, int, int)"/>: <c>dx += g</c>, element by element in row-major order.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="d0">The first size.</param>
    /// <param name="d1">The second size.</param>
    /// <param name="d2">The third size.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Reshape))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ReshapeBackward(Tensor gradient, Tensor result, Tensor x, int d0, int d1, int d2, Tensor? dx) =>
        ShapeOps.SameElementsBackward(nameof(Reshape), gradient, result, x, dx);

    /// <summary>
    /// <paramref name="x"/> with a new shape of four dimensions: a view sharing its storage (see <see cref="Tensor.Reshape"/>).
    /// One size may be −1, inferred from the others.
    /// </summary>
    /// <param name="x">The tensor.</param>
    /// <param name="d0">The first size.</param>
    /// <param name="d1">The second size.</param>
    /// <param name="d2">The third size.</param>
    /// <param name="d3">The fourth size.</param>
    /// <returns>A view of shape <c>[d0, d1, d2, d3]</c>.</returns>
    /// <exception cref="ArgumentException">The new shape does not have <c>x.Length</c> elements.</exception>
    public static Tensor Reshape(Tensor x, int d0, int d1, int d2, int d3)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Reshape(d0, d1, d2, d3);
    }

    /// <summary>The backward rule of <see cref="Reshape(Tensor, int, int, int, int)"/>: <c>dx += g</c>, element by element in row-major order.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="d0">The first size.</param>
    /// <param name="d1">The second size.</param>
    /// <param name="d2">The third size.</param>
    /// <param name="d3">The fourth size.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Reshape))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ReshapeBackward(Tensor gradient, Tensor result, Tensor x, int d0, int d1, int d2, int d3, Tensor? dx) =>
        ShapeOps.SameElementsBackward(nameof(Reshape), gradient, result, x, dx);

    /// <summary>
    /// <paramref name="x"/> with the dimensions from <paramref name="startAxis"/> on merged into one: a view sharing its
    /// storage. <c>Flatten(x)</c> gives shape <c>[x.Length]</c>; <c>Flatten(images, 1)</c> turns <c>[n, c, h, w]</c>
    /// into <c>[n, c·h·w]</c>.
    /// </summary>
    /// <param name="x">The tensor.</param>
    /// <param name="startAxis">The first dimension to merge; negative counts from the end. A scalar flattens to <c>[1]</c>.</param>
    /// <returns>A view of rank <paramref name="startAxis"/> + 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="startAxis"/> is outside the tensor's rank.</exception>
    public static Tensor Flatten(Tensor x, int startAxis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0)
        {
            return x.Reshape(1);
        }

        int start = Tensor.NormalizeAxis(startAxis, x.Rank, nameof(Flatten));
        Span<int> shape = stackalloc int[start + 1];
        x.Shape[..start].CopyTo(shape);
        shape[start] = ShapeOps.Product(x.Shape[start..]);
        return x.Reshape(shape);
    }

    /// <summary>The backward rule of <see cref="Flatten"/>: <c>dx += g</c>, element by element in row-major order.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="startAxis">The first dimension that was merged.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Flatten))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void FlattenBackward(Tensor gradient, Tensor result, Tensor x, int startAxis, Tensor? dx) =>
        ShapeOps.SameElementsBackward(nameof(Flatten), gradient, result, x, dx);

    /// <summary>
    /// <paramref name="a"/> and <paramref name="b"/> joined along <paramref name="axis"/>: all other dimensions must
    /// match; the result's size along the axis is the sum of theirs.
    /// </summary>
    /// <param name="a">The first part.</param>
    /// <param name="b">The second part.</param>
    /// <param name="axis">The axis to join along; negative counts from the end.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException">The ranks, the other dimensions or the element types differ.</exception>
    public static Tensor Concat(Tensor a, Tensor b, int axis) => ShapeOps.Concat(axis, a, b, null);

    /// <summary>The backward rule of <see cref="Concat(Tensor, Tensor, int)"/>: each part's gradient is its slice of <c>g</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The first part.</param>
    /// <param name="b">The second part.</param>
    /// <param name="axis">The axis they were joined along.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Concat))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ConcatBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, int axis, Tensor? da, Tensor? db) =>
        ShapeOps.ConcatBackward(gradient, result, axis, a, b, null, da, db, null);

    /// <summary>
    /// <paramref name="a"/>, <paramref name="b"/> and <paramref name="c"/> joined along <paramref name="axis"/>: all
    /// other dimensions must match; the result's size along the axis is the sum of theirs.
    /// </summary>
    /// <param name="a">The first part.</param>
    /// <param name="b">The second part.</param>
    /// <param name="c">The third part.</param>
    /// <param name="axis">The axis to join along; negative counts from the end.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException">The ranks, the other dimensions or the element types differ.</exception>
    public static Tensor Concat(Tensor a, Tensor b, Tensor c, int axis) => ShapeOps.Concat(axis, a, b, c);

    /// <summary>The backward rule of <see cref="Concat(Tensor, Tensor, Tensor, int)"/>: each part's gradient is its slice of <c>g</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The first part.</param>
    /// <param name="b">The second part.</param>
    /// <param name="c">The third part.</param>
    /// <param name="axis">The axis they were joined along.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    /// <param name="dc">The gradient of <paramref name="c"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Concat))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ConcatBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor c, int axis, Tensor? da, Tensor? db, Tensor? dc) =>
        ShapeOps.ConcatBackward(gradient, result, axis, a, b, c, da, db, dc);
}
