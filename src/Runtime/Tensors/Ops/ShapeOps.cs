using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

/// <summary>The copies behind the shape operations of <see cref="TensorMath"/>: swapping two axes and concatenating.</summary>
internal static class ShapeOps
{
    private const int Tile = 32;

    /// <summary>
    /// <c>destination = source</c> with axes <paramref name="axis0"/> ≤ <paramref name="axis1"/> swapped, or
    /// <c>destination +=</c> it when <paramref name="accumulate"/>. The source is seen as <c>[A, d0, B, d1, C]</c> and the
    /// destination as <c>[A, d1, B, d0, C]</c>.
    /// </summary>
    public static void SwapAxes<T>(ReadOnlySpan<T> source, ReadOnlySpan<int> shape, int axis0, int axis1, Span<T> destination, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.IsEmpty)
        {
            return;
        }

        if (axis0 == axis1)
        {
            if (accumulate)
            {
                TensorPrimitives.Add(destination, source, destination);
            }
            else
            {
                source.CopyTo(destination);
            }

            return;
        }

        int outer = Product(shape[..axis0]);
        int d0 = shape[axis0];
        int between = Product(shape[(axis0 + 1)..axis1]);
        int d1 = shape[axis1];
        int inner = Product(shape[(axis1 + 1)..]);
        int block = d0 * between * d1 * inner;
        for (int a = 0; a < outer; a++)
        {
            ReadOnlySpan<T> from = source.Slice(a * block, block);
            Span<T> to = destination.Slice(a * block, block);
            if (inner == 1 && between == 1)
            {
                TransposeMatrix(from, d0, d1, to, accumulate);
                continue;
            }

            for (int i = 0; i < d1; i++)
            {
                for (int b = 0; b < between; b++)
                {
                    for (int j = 0; j < d0; j++)
                    {
                        ReadOnlySpan<T> run = from.Slice((((j * between) + b) * d1 + i) * inner, inner);
                        Span<T> into = to.Slice((((i * between) + b) * d0 + j) * inner, inner);
                        if (accumulate)
                        {
                            TensorPrimitives.Add(into, run, into);
                        }
                        else
                        {
                            run.CopyTo(into);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies (or adds) the blocks of one operand of a concatenation: for each of <paramref name="outer"/> blocks, the
    /// <paramref name="partBlock"/> elements of <paramref name="part"/> go to <paramref name="whole"/> at
    /// <c>o·wholeBlock + offset</c>. When <paramref name="backward"/>, the direction reverses and
    /// <paramref name="part"/> receives the sum instead: <c>part += whole[...]</c>.
    /// </summary>
    public static void ConcatBlocks<T>(Span<T> part, int partBlock, Span<T> whole, int wholeBlock, int offset, int outer, bool backward)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (partBlock == 0)
        {
            return;
        }

        for (int o = 0; o < outer; o++)
        {
            Span<T> p = part.Slice(o * partBlock, partBlock);
            Span<T> w = whole.Slice(o * wholeBlock + offset, partBlock);
            if (backward)
            {
                TensorPrimitives.Add(p, w, p);
            }
            else
            {
                p.CopyTo(w);
            }
        }
    }

    /// <summary>Swaps axes <paramref name="first"/> ≤ <paramref name="second"/> of <paramref name="source"/> into <paramref name="destination"/> (or adds, when <paramref name="accumulate"/>).</summary>
    public static void SwapAxes(Tensor source, int first, int second, Tensor destination, bool accumulate)
    {
        if (ElementwiseOps.IsFloat32(source))
        {
            SwapAxes<float>(source.Floats, source.Shape, first, second, destination.Floats, accumulate);
        }
        else
        {
            SwapAxes<double>(source.Doubles, source.Shape, first, second, destination.Doubles, accumulate);
        }
    }

    /// <summary>The rule of an operation whose result has the elements of its input in the same order (a reshape): <c>dx += g</c>.</summary>
    public static void SameElementsBackward(string operation, Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        ArgumentNullException.ThrowIfNull(x);
        OpChecks.Upstream(operation, gradient, result);
        OpChecks.SameDType(operation, x, gradient);
        OpChecks.Gradient(operation, nameof(dx), x, dx);
        if (gradient.Length != x.Length)
        {
            throw new ArgumentException($"{operation}: the result {result.ShapeText()} does not have the {x.Length} elements of the input {x.ShapeText()}.", nameof(result));
        }

        if (dx is null)
        {
            return;
        }

        if (ElementwiseOps.IsFloat32(x))
        {
            TensorPrimitives.Add(dx.Floats, gradient.Floats, dx.Floats);
        }
        else
        {
            TensorPrimitives.Add(dx.Doubles, gradient.Doubles, dx.Doubles);
        }
    }

    /// <summary>Concatenates two or three tensors along an axis (<paramref name="c"/> null for two).</summary>
    public static Tensor Concat(int axis, Tensor a, Tensor b, Tensor? c)
    {
        int normalized = CheckConcat(axis, a, b, c);
        Span<int> shape = stackalloc int[a.Rank];
        a.Shape.CopyTo(shape);
        shape[normalized] = a.Shape[normalized] + b.Shape[normalized] + (c is null ? 0 : c.Shape[normalized]);
        var result = Tensor.Empty(a.DType, shape);
        ConcatParts(normalized, result, a, b, c, null, null, null, backward: false);
        return result;
    }

    /// <summary>The rule of <see cref="Concat"/>: each part's gradient receives its slice of the upstream gradient.</summary>
    public static void ConcatBackward(Tensor gradient, Tensor result, int axis, Tensor a, Tensor b, Tensor? c, Tensor? da, Tensor? db, Tensor? dc)
    {
        int normalized = CheckConcat(axis, a, b, c);
        OpChecks.Upstream(nameof(TensorMath.Concat), gradient, result);
        OpChecks.SameDType(nameof(TensorMath.Concat), a, gradient);
        OpChecks.Gradient(nameof(TensorMath.Concat), nameof(da), a, da);
        OpChecks.Gradient(nameof(TensorMath.Concat), nameof(db), b, db);
        if (c is not null)
        {
            OpChecks.Gradient(nameof(TensorMath.Concat), nameof(dc), c, dc);
        }

        if (gradient.Length != a.Length + b.Length + (c?.Length ?? 0))
        {
            throw new ArgumentException($"Concat: the result {result.ShapeText()} is not the concatenation of the parts along axis {axis}.", nameof(result));
        }

        ConcatParts(normalized, gradient, a, b, c, da, db, dc, backward: true);
    }

    /// <summary>
    /// Copies the parts into <paramref name="whole"/>, or, when <paramref name="backward"/>, adds each part's slice of
    /// <paramref name="whole"/> into its gradient (<paramref name="da"/>, <paramref name="db"/>, <paramref name="dc"/>;
    /// null ones are skipped, but their slices still count).
    /// </summary>
    private static void ConcatParts(int axis, Tensor whole, Tensor a, Tensor b, Tensor? c, Tensor? da, Tensor? db, Tensor? dc, bool backward)
    {
        int outer = Product(whole.Shape[..axis]);
        int inner = Product(whole.Shape[(axis + 1)..]);
        int wholeBlock = whole.Shape[axis] * inner;
        ReadOnlySpan<Tensor?> parts = [a, b, c];
        ReadOnlySpan<Tensor?> targets = backward ? [da, db, dc] : [a, b, c];
        int offset = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i] is not { } part)
            {
                continue;
            }

            int partBlock = part.Shape[axis] * inner;
            if (targets[i] is { } target)
            {
                if (ElementwiseOps.IsFloat32(whole))
                {
                    ConcatBlocks<float>(target.Floats, partBlock, whole.Floats, wholeBlock, offset, outer, backward);
                }
                else
                {
                    ConcatBlocks<double>(target.Doubles, partBlock, whole.Doubles, wholeBlock, offset, outer, backward);
                }
            }

            offset += partBlock;
        }
    }

    /// <summary>Checks the parts of a concatenation and returns the normalised axis.</summary>
    private static int CheckConcat(int axis, Tensor a, Tensor b, Tensor? c)
    {
        const string Operation = nameof(TensorMath.Concat);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0)
        {
            throw new ArgumentException($"{Operation}: scalars (shape []) cannot be concatenated; reshape them to [1] first.", nameof(a));
        }

        int normalized = Tensor.NormalizeAxis(axis, a.Rank, Operation);
        CheckConcatPart(normalized, a, b);
        if (c is not null)
        {
            CheckConcatPart(normalized, a, c);
        }

        return normalized;

        static void CheckConcatPart(int axis, Tensor first, Tensor other)
        {
            OpChecks.SameDType(Operation, first, other);
            if (other.Rank != first.Rank)
            {
                throw new ArgumentException($"{Operation}: ranks differ: {first.ShapeText()} and {other.ShapeText()}.");
            }

            for (int i = 0; i < first.Rank; i++)
            {
                if (i != axis && first.Shape[i] != other.Shape[i])
                {
                    throw new ArgumentException($"{Operation}: shapes differ outside axis {axis}: {first.ShapeText()} and {other.ShapeText()}.");
                }
            }
        }
    }

    /// <summary>The product of a list of sizes (1 for none).</summary>
    public static int Product(ReadOnlySpan<int> sizes)
    {
        int product = 1;
        foreach (int size in sizes)
        {
            product *= size;
        }

        return product;
    }

    /// <summary>The <c>[rows, columns]</c> matrix <paramref name="from"/> transposed into <paramref name="to"/>, in cache-sized tiles.</summary>
    private static void TransposeMatrix<T>(ReadOnlySpan<T> from, int rows, int columns, Span<T> to, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int r1 = Math.Min(rows, r0 + Tile);
            for (int c0 = 0; c0 < columns; c0 += Tile)
            {
                int c1 = Math.Min(columns, c0 + Tile);
                for (int c = c0; c < c1; c++)
                {
                    Span<T> row = to.Slice(c * rows, rows);
                    for (int r = r0; r < r1; r++)
                    {
                        row[r] = accumulate ? row[r] + from[r * columns + c] : from[r * columns + c];
                    }
                }
            }
        }
    }
}
