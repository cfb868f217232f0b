using System;
using System.ComponentModel;

namespace DiffGen;

// Matrix products, on the GEMM kernel of DiffGen.Kernels.
public static partial class TensorMath
{
    /// <summary>
    /// The matrix product: <c>[m, k] x [k, n] → [m, n]</c>; batched, <c>[b, m, k] x [b, k, n] → [b, m, n]</c>; or a
    /// batch against one matrix, <c>[b, m, k] x [k, n] → [b, m, n]</c> (a linear layer applied to every entry).
    /// </summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The product.</returns>
    /// <exception cref="ArgumentException">
    /// The ranks do not fit one of the three forms, the inner dimensions or the batch sizes differ, or the element types
    /// differ; the message names both shapes, as in <c>MatMul: inner dimensions differ: [2, 3] and [4, 5]</c>.
    /// </exception>
    /// <example>
    /// <code>
    /// Tensor hidden = Relu(MatMul(x, w1) + b1);   // x [batch, in], w1 [in, hidden], b1 [hidden]
    /// </code>
    /// </example>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        var plan = MatMulPlan.Of(a, b);
        Span<int> shape = stackalloc int[3];
        var result = Tensor.Empty(a.DType, plan.ResultShape(a, shape));
        if (ElementwiseOps.IsFloat32(a))
        {
            plan.Forward<float>(a.Floats, b.Floats, result.Floats);
        }
        else
        {
            plan.Forward<double>(a.Doubles, b.Doubles, result.Doubles);
        }

        return result;
    }

    /// <summary>
    /// The backward rule of <see cref="MatMul"/>: <c>da += g·bᵀ</c> and <c>db += aᵀ·g</c> per batch entry (for a shared
    /// right operand, <c>db</c> sums over the batch), computed by the GEMM kernel with transposed operands, adding
    /// into the gradients in place.
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(MatMul))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MatMulBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db)
    {
        var plan = MatMulPlan.Of(a, b);
        OpChecks.Upstream(nameof(MatMul), gradient, result);
        OpChecks.SameDType(nameof(MatMul), a, gradient);
        OpChecks.Gradient(nameof(MatMul), nameof(da), a, da);
        OpChecks.Gradient(nameof(MatMul), nameof(db), b, db);
        Span<int> shape = stackalloc int[3];
        if (!result.HasShape(plan.ResultShape(a, shape)))
        {
            throw new ArgumentException($"MatMul: the result {result.ShapeText()} is not the product of {a.ShapeText()} and {b.ShapeText()}.", nameof(result));
        }

        if (ElementwiseOps.IsFloat32(a))
        {
            if (da is not null)
            {
                plan.BackwardLeft<float>(gradient.Floats, b.Floats, da.Floats);
            }

            if (db is not null)
            {
                plan.BackwardRight<float>(gradient.Floats, a.Floats, db.Floats);
            }
        }
        else
        {
            if (da is not null)
            {
                plan.BackwardLeft<double>(gradient.Doubles, b.Doubles, da.Doubles);
            }

            if (db is not null)
            {
                plan.BackwardRight<double>(gradient.Doubles, a.Doubles, db.Doubles);
            }
        }
    }
}
