using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

/// <summary>
/// NumPy broadcasting for element-wise operations on contiguous row-major tensors, and its reverse (summing a
/// gradient over the broadcast dimensions).
/// </summary>
/// <remarks>
/// Shapes are aligned at their last dimension; a missing or size-1 dimension stretches to the other operand's size.
/// The iteration space is coalesced first (size-1 dimensions dropped, neighbouring dimensions that both operands
/// traverse contiguously merged), so that the innermost loop is one long run handed to a
/// <see cref="TensorPrimitives"/> kernel: <c>[N, C] + [C]</c> becomes N vectorised row additions, <c>[N, C] + [N, C]</c>
/// one. Nothing allocates: the plan lives in stack memory.
/// </remarks>
internal static class Broadcasting
{
    /// <summary>
    /// Writes the broadcast shape of <paramref name="a"/> and <paramref name="b"/> into <paramref name="result"/>, whose
    /// length must be the larger rank; throws an <see cref="ArgumentException"/> naming both shapes if they do not broadcast.
    /// </summary>
    public static void Shape(string operation, ReadOnlySpan<int> a, ReadOnlySpan<int> b, Span<int> result)
    {
        int rank = result.Length;
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da == db || db == 1)
            {
                result[i] = da;
            }
            else if (da == 1)
            {
                result[i] = db;
            }
            else
            {
                throw new ArgumentException($"{operation}: shapes {Tensor.ShapeText(a)} and {Tensor.ShapeText(b)} cannot be broadcast.");
            }
        }
    }

    /// <summary>Whether <paramref name="shape"/> broadcasts to exactly <paramref name="target"/>.</summary>
    public static bool BroadcastsTo(ReadOnlySpan<int> shape, ReadOnlySpan<int> target)
    {
        if (shape.Length > target.Length)
        {
            return false;
        }

        int lead = target.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] != 1 && shape[i] != target[lead + i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>d = K(a, b)</c> element by element, with <paramref name="a"/> and <paramref name="b"/> broadcast to
    /// <paramref name="dShape"/> (which must be their broadcast shape, or a shape both broadcast to).
    /// </summary>
    public static void Apply<T, TKernel>(
        ReadOnlySpan<T> a, ReadOnlySpan<int> aShape, ReadOnlySpan<T> b, ReadOnlySpan<int> bShape, Span<T> d, ReadOnlySpan<int> dShape)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IBinaryKernel<T>
    {
        if (d.IsEmpty)
        {
            return;
        }

        if (a.Length == d.Length && b.Length == d.Length)
        {
            TKernel.Run(a, b, d);
            return;
        }

        Span<int> buffer = stackalloc int[4 * Math.Max(dShape.Length, 1)];
        var plan = new Plan(dShape, aShape, bShape, buffer);
        int inner = plan.Sizes[0];
        bool aRuns = plan.StridesA[0] != 0;
        bool bRuns = plan.StridesB[0] != 0;
        int ao = 0;
        int bo = 0;
        for (int offset = 0; offset < d.Length; offset += inner)
        {
            Span<T> run = d.Slice(offset, inner);
            if (aRuns && bRuns)
            {
                TKernel.Run(a.Slice(ao, inner), b.Slice(bo, inner), run);
            }
            else if (aRuns)
            {
                TKernel.Run(a.Slice(ao, inner), b[bo], run);
            }
            else if (bRuns)
            {
                TKernel.Run(a[ao], b.Slice(bo, inner), run);
            }
            else
            {
                run.Fill(TKernel.Run(a[ao], b[bo]));
            }

            plan.Advance(ref ao, ref bo);
        }
    }

    /// <summary>
    /// <c>target += source</c> (or <c>-=</c> when <paramref name="subtract"/>), where <paramref name="target"/>'s shape
    /// broadcasts to <paramref name="sourceShape"/>: each target element receives the sum of the source elements it
    /// was broadcast to. This is the backward of broadcasting.
    /// </summary>
    public static void AccumulateReduced<T>(
        ReadOnlySpan<T> source, ReadOnlySpan<int> sourceShape, Span<T> target, ReadOnlySpan<int> targetShape, bool subtract = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (source.IsEmpty || target.IsEmpty)
        {
            return;
        }

        if (target.Length == source.Length)
        {
            // Broadcastable with as many elements: the same elements in the same order.
            if (subtract)
            {
                TensorPrimitives.Subtract(target, source, target);
            }
            else
            {
                TensorPrimitives.Add(target, source, target);
            }

            return;
        }

        Span<int> buffer = stackalloc int[4 * Math.Max(sourceShape.Length, 1)];
        var plan = new Plan(sourceShape, targetShape, sourceShape, buffer);
        int inner = plan.Sizes[0];
        bool targetRuns = plan.StridesA[0] != 0;
        int to = 0;
        int so = 0;
        for (int offset = 0; offset < source.Length; offset += inner)
        {
            ReadOnlySpan<T> run = source.Slice(offset, inner);
            if (targetRuns)
            {
                Span<T> into = target.Slice(to, inner);
                if (subtract)
                {
                    TensorPrimitives.Subtract(into, run, into);
                }
                else
                {
                    TensorPrimitives.Add(into, run, into);
                }
            }
            else
            {
                T sum = TensorPrimitives.Sum(run);
                target[to] = subtract ? target[to] - sum : target[to] + sum;
            }

            plan.Advance(ref to, ref so);
        }
    }

    /// <summary>
    /// A coalesced iteration over a contiguous result of some shape with two operands broadcast to it. Dimension 0 is
    /// the innermost: its size is the run length and its operand strides are 0 (broadcast) or 1 (contiguous).
    /// </summary>
    private ref struct Plan
    {
        public Span<int> Sizes;
        public Span<int> StridesA;
        public Span<int> StridesB;
        private Span<int> _index;
        private readonly int _rank;

        /// <summary>Builds the plan in <paramref name="buffer"/> (at least 4 × max(rank, 1) ints).</summary>
        public Plan(ReadOnlySpan<int> shape, ReadOnlySpan<int> aShape, ReadOnlySpan<int> bShape, Span<int> buffer)
        {
            int capacity = Math.Max(shape.Length, 1);
            Sizes = buffer[..capacity];
            StridesA = buffer.Slice(capacity, capacity);
            StridesB = buffer.Slice(2 * capacity, capacity);
            _index = buffer.Slice(3 * capacity, capacity);
            _index.Clear();

            int rank = 0;
            int strideA = 1;
            int strideB = 1;
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                int size = shape[i];
                int j = i - (shape.Length - aShape.Length);
                int k = i - (shape.Length - bShape.Length);
                int sizeA = j >= 0 ? aShape[j] : 1;
                int sizeB = k >= 0 ? bShape[k] : 1;
                int sa = sizeA == 1 ? 0 : strideA;
                int sb = sizeB == 1 ? 0 : strideB;
                strideA *= sizeA;
                strideB *= sizeB;
                if (size == 1)
                {
                    continue;
                }

                if (rank > 0 && sa == StridesA[rank - 1] * Sizes[rank - 1] && sb == StridesB[rank - 1] * Sizes[rank - 1])
                {
                    Sizes[rank - 1] *= size;
                }
                else
                {
                    Sizes[rank] = size;
                    StridesA[rank] = sa;
                    StridesB[rank] = sb;
                    rank++;
                }
            }

            if (rank == 0)
            {
                Sizes[0] = 1;
                StridesA[0] = 0;
                StridesB[0] = 0;
                rank = 1;
            }

            _rank = rank;
        }

        /// <summary>Moves the operand offsets to the next innermost run.</summary>
        public void Advance(ref int offsetA, ref int offsetB)
        {
            for (int k = 1; k < _rank; k++)
            {
                offsetA += StridesA[k];
                offsetB += StridesB[k];
                if (++_index[k] < Sizes[k])
                {
                    return;
                }

                offsetA -= StridesA[k] * Sizes[k];
                offsetB -= StridesB[k] * Sizes[k];
                _index[k] = 0;
            }
        }
    }
}
