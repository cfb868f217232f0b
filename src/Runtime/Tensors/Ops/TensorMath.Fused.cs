using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace DiffGen;

// Fused forms: chains the generator replaces by one operation where the intermediate is used for nothing else
// (see FusedFormAttribute). Each computes exactly what its chain computes, with one result buffer instead of two.
public static partial class TensorMath
{
    /// <summary>
    /// <c>Relu(a + b)</c> in one pass and one buffer: the bias add of a dense layer and its activation. The generator
    /// calls it for <c>Relu(a + b)</c> and <c>Relu(Add(a, b))</c> (see <see cref="FusedFormAttribute"/>).
    /// </summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand, broadcast against <paramref name="a"/> (a bias row).</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    [FusedForm(typeof(Tensor), "op_Addition", nameof(Relu))]
    [FusedForm(nameof(Add), nameof(Relu))]
    public static Tensor AddRelu(Tensor a, Tensor b) => FusedActivation.Forward(a, b, FusedActivation.Kind.Relu);

    /// <summary>
    /// The backward rule of <see cref="AddRelu"/>: the upstream gradient where the result is positive, summed over the
    /// dimensions each operand was broadcast along.
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(AddRelu))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AddReluBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db) =>
        FusedActivation.Backward(nameof(AddRelu), FusedActivation.Kind.Relu, gradient, result, a, b, da, db);

    /// <summary><c>Tanh(a + b)</c> in one pass and one buffer (see <see cref="AddRelu"/>).</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand, broadcast against <paramref name="a"/> (a bias row).</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    [FusedForm(typeof(Tensor), "op_Addition", nameof(Tanh))]
    [FusedForm(nameof(Add), nameof(Tanh))]
    public static Tensor AddTanh(Tensor a, Tensor b) => FusedActivation.Forward(a, b, FusedActivation.Kind.Tanh);

    /// <summary>The backward rule of <see cref="AddTanh"/>: <c>g·(1 − result²)</c>, summed over broadcast dimensions.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(AddTanh))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AddTanhBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db) =>
        FusedActivation.Backward(nameof(AddTanh), FusedActivation.Kind.Tanh, gradient, result, a, b, da, db);

    /// <summary><c>Sigmoid(a + b)</c> in one pass and one buffer (see <see cref="AddRelu"/>).</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand, broadcast against <paramref name="a"/> (a bias row).</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    [FusedForm(typeof(Tensor), "op_Addition", nameof(Sigmoid))]
    [FusedForm(nameof(Add), nameof(Sigmoid))]
    public static Tensor AddSigmoid(Tensor a, Tensor b) => FusedActivation.Forward(a, b, FusedActivation.Kind.Sigmoid);

    /// <summary>The backward rule of <see cref="AddSigmoid"/>: <c>g·result·(1 − result)</c>, summed over broadcast dimensions.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <param name="da">The gradient of <paramref name="a"/> to add into, or <see langword="null"/>.</param>
    /// <param name="db">The gradient of <paramref name="b"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(AddSigmoid))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AddSigmoidBackward(Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db) =>
        FusedActivation.Backward(nameof(AddSigmoid), FusedActivation.Kind.Sigmoid, gradient, result, a, b, da, db);

    /// <summary><c>Relu(Linear(input, weight, bias))</c> with one result buffer: the activation runs in place on the layer's output.</summary>
    /// <param name="input">The inputs, <c>[..., in]</c>.</param>
    /// <param name="weight">The weight, <c>[out, in]</c>.</param>
    /// <param name="bias">The bias, <c>[out]</c>, or <see langword="null"/>.</param>
    /// <returns><c>[..., out]</c>.</returns>
    /// <exception cref="ArgumentException">A shape or element type does not fit.</exception>
    [FusedForm(nameof(Linear), nameof(Relu))]
    public static Tensor LinearRelu(Tensor input, Tensor weight, Tensor? bias)
    {
        var result = Linear(input, weight, bias);
        if (ElementwiseOps.IsFloat32(result))
        {
            TensorPrimitives.Max(result.Floats, 0f, result.Floats);
        }
        else
        {
            TensorPrimitives.Max(result.Doubles, 0d, result.Doubles);
        }

        return result;
    }

    /// <summary>The backward rule of <see cref="LinearRelu"/>: <see cref="LinearBackward"/> of the gradient where the result is positive.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="input">The inputs.</param>
    /// <param name="weight">The weight.</param>
    /// <param name="bias">The bias, or <see langword="null"/>.</param>
    /// <param name="dinput">The gradient of <paramref name="input"/> to add into, or <see langword="null"/>.</param>
    /// <param name="dweight">The gradient of <paramref name="weight"/> to add into, or <see langword="null"/>.</param>
    /// <param name="dbias">The gradient of <paramref name="bias"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(LinearRelu))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void LinearReluBackward(Tensor gradient, Tensor result, Tensor input, Tensor weight, Tensor? bias, Tensor? dinput, Tensor? dweight, Tensor? dbias)
    {
        OpChecks.Upstream(nameof(LinearRelu), gradient, result);
        if (dinput is null && dweight is null && dbias is null)
        {
            return;
        }

        var atLayer = Tensor.Zeros(gradient.DType, gradient.Shape);
        ElementwiseOps.AccumulateTerm<ElementKernels.ReluGradient<float>, ElementKernels.ReluGradient<double>>(result, gradient, 0, atLayer);
        LinearBackward(atLayer, result, input, weight, bias, dinput, dweight, dbias);
    }
}

/// <summary>The bias add followed by an activation whose derivative follows from its result (ReLU, tanh, sigmoid).</summary>
internal static class FusedActivation
{
    public enum Kind
    {
        Relu,
        Tanh,
        Sigmoid,
    }

    public static Tensor Forward(Tensor a, Tensor b, Kind kind)
    {
        if (a.Rank == 2 && b.Rank == 1 && b.Length == a.Size(1) && a.DType == b.DType)
        {
            // The dense-layer case: each row gets the bias and the activation while it is in the L1 cache.
            var result = Tensor.Empty(a.DType, a.Shape);
            int columns = a.Size(1);
            if (ElementwiseOps.IsFloat32(a))
            {
                Rows(a.Floats, b.Floats, result.Floats, columns, kind);
            }
            else
            {
                Rows(a.Doubles, b.Doubles, result.Doubles, columns, kind);
            }

            return result;
        }

        var sum = TensorMath.Add(a, b);
        if (ElementwiseOps.IsFloat32(sum))
        {
            Apply(sum.Floats, kind);
        }
        else
        {
            Apply(sum.Doubles, kind);
        }

        return sum;
    }

    public static void Backward(string operation, Kind kind, Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db)
    {
        OpChecks.BinaryBackward(operation, gradient, result, a, b, da, db);
        if (da is null && db is null)
        {
            return;
        }

        // The gradient at the sum, from the result alone, then summed into each operand's shape.
        var atSum = Tensor.Zeros(gradient.DType, gradient.Shape);
        switch (kind)
        {
            case Kind.Relu:
                ElementwiseOps.AccumulateTerm<ElementKernels.ReluGradient<float>, ElementKernels.ReluGradient<double>>(result, gradient, 0, atSum);
                break;
            case Kind.Tanh:
                ElementwiseOps.AccumulateTerm<ElementKernels.TanhGradient<float>, ElementKernels.TanhGradient<double>>(result, gradient, 0, atSum);
                break;
            default:
                ElementwiseOps.AccumulateTerm<ElementKernels.SigmoidGradient<float>, ElementKernels.SigmoidGradient<double>>(result, gradient, 0, atSum);
                break;
        }

        ElementwiseOps.AccumulateReduced(atSum, da, subtract: false);
        ElementwiseOps.AccumulateReduced(atSum, db, subtract: false);
    }

    private static void Rows<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> bias, Span<T> y, int columns, Kind kind)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int row = 0; row < x.Length; row += columns)
        {
            var line = y.Slice(row, columns);
            TensorPrimitives.Add(x.Slice(row, columns), bias, line);
            Apply(line, kind);
        }
    }

    private static void Apply<T>(Span<T> values, Kind kind)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case Kind.Relu:
                TensorPrimitives.Max(values, T.Zero, values);
                break;
            case Kind.Tanh:
                TensorPrimitives.Tanh(values, values);
                break;
            default:
                TensorPrimitives.Sigmoid(values, values);
                break;
        }
    }
}
