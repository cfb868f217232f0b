using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

// The dense layer in PyTorch's layout (torch.nn.functional.linear).
public static partial class TensorMath
{
    /// <summary>
    /// A dense layer as PyTorch computes it: <c>input·weightᵀ + bias</c>, with the weight stored <c>[out, in]</c> (the
    /// layout of <c>torch.nn.Linear</c>, so checkpoints exchange weights without transposing, and
    /// <see cref="Init.KaimingUniform(DType, long, ReadOnlySpan{int})"/> reads the right fan-in from its shape).
    /// </summary>
    /// <param name="input">The inputs, <c>[..., in]</c>: every leading dimension is a batch dimension.</param>
    /// <param name="weight">The weight, <c>[out, in]</c>.</param>
    /// <param name="bias">The bias, <c>[out]</c>, or <see langword="null"/> for none.</param>
    /// <returns><c>[..., out]</c>.</returns>
    /// <exception cref="ArgumentException">A shape or element type does not fit; the message names the shapes.</exception>
    /// <example>
    /// <code>
    /// Tensor hidden = Relu(Linear(x, w1, b1));   // x [batch, 784], w1 [128, 784], b1 [128]
    /// </code>
    /// </example>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias)
    {
        var (rows, inputs, outputs) = LinearKernels.Shape(input, weight, bias);
        Span<int> shape = stackalloc int[input.Rank];
        input.Shape.CopyTo(shape);
        shape[^1] = outputs;
        var result = Tensor.Empty(input.DType, shape);
        if (ElementwiseOps.IsFloat32(input))
        {
            LinearKernels.Forward(rows, inputs, outputs, input.Floats, weight.Floats, bias is null ? default : bias.Floats, result.Floats);
        }
        else
        {
            LinearKernels.Forward(rows, inputs, outputs, input.Doubles, weight.Doubles, bias is null ? default : bias.Doubles, result.Doubles);
        }

        return result;
    }

    /// <summary>
    /// The backward rule of <see cref="Linear"/>: <c>dinput += g·weight</c>, <c>dweight += gᵀ·input</c> (summed over
    /// every batch dimension) and <c>dbias += Σ g</c> over the rows, by the GEMM kernel, adding in place.
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="input">The inputs.</param>
    /// <param name="weight">The weight.</param>
    /// <param name="bias">The bias, or <see langword="null"/>.</param>
    /// <param name="dinput">The gradient of <paramref name="input"/> to add into, or <see langword="null"/>.</param>
    /// <param name="dweight">The gradient of <paramref name="weight"/> to add into, or <see langword="null"/>.</param>
    /// <param name="dbias">The gradient of <paramref name="bias"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Linear))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void LinearBackward(Tensor gradient, Tensor result, Tensor input, Tensor weight, Tensor? bias, Tensor? dinput, Tensor? dweight, Tensor? dbias)
    {
        var (rows, inputs, outputs) = LinearKernels.Shape(input, weight, bias);
        OpChecks.Upstream(nameof(Linear), gradient, result);
        OpChecks.SameDType(nameof(TensorMath.Linear), input, gradient);
        OpChecks.Gradient(nameof(Linear), nameof(dinput), input, dinput);
        OpChecks.Gradient(nameof(Linear), nameof(dweight), weight, dweight);
        if (dbias is not null)
        {
            if (bias is null)
            {
                throw new ArgumentException("Linear: a bias gradient was given for a layer without bias.", nameof(dbias));
            }

            OpChecks.Gradient(nameof(Linear), nameof(dbias), bias, dbias);
        }

        if (gradient.Length != rows * outputs)
        {
            throw new ArgumentException($"Linear: the upstream gradient {gradient.ShapeText()} does not fit the result of {input.ShapeText()} and {weight.ShapeText()}.", nameof(gradient));
        }

        if (ElementwiseOps.IsFloat32(input))
        {
            LinearKernels.Backward(rows, inputs, outputs, gradient.Floats, input.Floats, weight.Floats,
                dinput is null ? default : dinput.Floats, dweight is null ? default : dweight.Floats, dbias is null ? default : dbias.Floats);
        }
        else
        {
            LinearKernels.Backward(rows, inputs, outputs, gradient.Doubles, input.Doubles, weight.Doubles,
                dinput is null ? default : dinput.Doubles, dweight is null ? default : dweight.Doubles, dbias is null ? default : dbias.Doubles);
        }
    }
}

/// <summary>The checks and kernels of <see cref="TensorMath.Linear"/>.</summary>
internal static class LinearKernels
{
    public static (int Rows, int Inputs, int Outputs) Shape(Tensor input, Tensor weight, Tensor? bias)
    {
        OpChecks.SameDType(nameof(TensorMath.Linear), input, weight);
        if (input.Rank < 1 || weight.Rank != 2 || input.Size(-1) != weight.Size(1))
        {
            throw new ArgumentException($"Linear: the input {input.ShapeText()} does not fit the weight {weight.ShapeText()}; expected [..., in] and [out, in].", nameof(input));
        }

        if (bias is not null)
        {
            OpChecks.SameDType(nameof(TensorMath.Linear), input, bias);
            if (bias.Rank != 1 || bias.Length != weight.Size(0))
            {
                throw new ArgumentException($"Linear: the bias {bias.ShapeText()} does not fit the weight {weight.ShapeText()}; expected [{weight.Size(0)}].", nameof(bias));
            }
        }

        int inputs = weight.Size(1);
        return (inputs == 0 ? 0 : input.Length / inputs, inputs, weight.Size(0));
    }

    public static void Forward<T>(int rows, int inputs, int outputs, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> bias, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        MatMulPlan.Product(false, true, rows, outputs, inputs, x, w, T.Zero, y);
        if (!bias.IsEmpty)
        {
            for (int row = 0; row < rows; row++)
            {
                var line = y.Slice(row * outputs, outputs);
                TensorPrimitives.Add(line, bias, line);
            }
        }
    }

    public static void Backward<T>(int rows, int inputs, int outputs, ReadOnlySpan<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> dx, Span<T> dw, Span<T> db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!dx.IsEmpty)
        {
            MatMulPlan.Product(false, false, rows, inputs, outputs, g, w, T.One, dx);
        }

        if (!dw.IsEmpty)
        {
            MatMulPlan.Product(true, false, outputs, inputs, rows, g, x, T.One, dw);
        }

        if (!db.IsEmpty)
        {
            for (int row = 0; row < rows; row++)
            {
                TensorPrimitives.Add(db, g.Slice(row * outputs, outputs), db);
            }
        }
    }
}
