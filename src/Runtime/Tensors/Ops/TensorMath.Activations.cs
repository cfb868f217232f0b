using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace DiffGen;

// Activation functions: Tanh, Sigmoid, Relu, LeakyRelu, Gelu, Softmax, LogSoftmax.
public static partial class TensorMath
{
    /// <summary>Element-wise hyperbolic tangent.</summary>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>, with values in (−1, 1).</returns>
    public static unsafe Tensor Tanh(Tensor x) =>
        ElementwiseOps.Map(x, &TensorPrimitives.Tanh, &TensorPrimitives.Tanh);

    /// <summary>The backward rule of <see cref="Tanh"/>: <c>dx += g·(1 − result²)</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Tanh))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void TanhBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.UnaryBackward(nameof(Tanh), gradient, result, x, dx);
        ElementwiseOps.AccumulateTerm<ElementKernels.TanhGradient<float>, ElementKernels.TanhGradient<double>>(result, gradient, 0, dx);
    }

    /// <summary>Element-wise logistic sigmoid <c>1 / (1 + e⁻ˣ)</c>.</summary>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>, with values in (0, 1).</returns>
    public static unsafe Tensor Sigmoid(Tensor x) =>
        ElementwiseOps.Map(x, &TensorPrimitives.Sigmoid, &TensorPrimitives.Sigmoid);

    /// <summary>The backward rule of <see cref="Sigmoid"/>: <c>dx += g·result·(1 − result)</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Sigmoid))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SigmoidBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.UnaryBackward(nameof(Sigmoid), gradient, result, x, dx);
        ElementwiseOps.AccumulateTerm<ElementKernels.SigmoidGradient<float>, ElementKernels.SigmoidGradient<double>>(result, gradient, 0, dx);
    }

    /// <summary>Element-wise rectified linear unit <c>max(x, 0)</c>.</summary>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static Tensor Relu(Tensor x)
    {
        var result = ElementwiseOps.UnaryResult(x);
        if (ElementwiseOps.IsFloat32(x))
        {
            TensorPrimitives.Max(x.Floats, 0f, result.Floats);
        }
        else
        {
            TensorPrimitives.Max(x.Doubles, 0d, result.Doubles);
        }

        return result;
    }

    /// <summary>The backward rule of <see cref="Relu"/>: <c>dx += g</c> where <c>x &gt; 0</c> (the derivative at 0 is taken as 0, as in PyTorch).</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Relu))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ReluBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.UnaryBackward(nameof(Relu), gradient, result, x, dx);
        ElementwiseOps.AccumulateTerm<ElementKernels.ReluGradient<float>, ElementKernels.ReluGradient<double>>(x, gradient, 0, dx);
    }

    /// <summary>Element-wise leaky rectified linear unit: <c>x</c> where <c>x &gt; 0</c>, else <c>negativeSlope·x</c>.</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="negativeSlope">The slope for negative inputs; 0.01 by default, as in PyTorch.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.01)
    {
        var result = ElementwiseOps.UnaryResult(x);
        if (ElementwiseOps.IsFloat32(x))
        {
            ElementKernels.Map<float, ElementKernels.LeakyRelu<float>>(x.Floats, (float)negativeSlope, result.Floats);
        }
        else
        {
            ElementKernels.Map<double, ElementKernels.LeakyRelu<double>>(x.Doubles, negativeSlope, result.Doubles);
        }

        return result;
    }

    /// <summary>
    /// The backward rule of <see cref="LeakyRelu"/>: <c>dx += g</c> where <c>x &gt; 0</c>, else <c>negativeSlope·g</c>;
    /// <c>dnegativeSlope += Σ g·x</c> over the elements with <c>x ≤ 0</c>.
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="negativeSlope">The slope for negative inputs.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    /// <param name="dnegativeSlope">The gradient of <paramref name="negativeSlope"/> to add into.</param>
    [DerivativeOf(nameof(LeakyRelu))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void LeakyReluBackward(Tensor gradient, Tensor result, Tensor x, double negativeSlope, Tensor? dx, ref double dnegativeSlope)
    {
        OpChecks.UnaryBackward(nameof(LeakyRelu), gradient, result, x, dx);
        ElementwiseOps.AccumulateTerm<ElementKernels.LeakyReluGradient<float>, ElementKernels.LeakyReluGradient<double>>(x, gradient, negativeSlope, dx);
        dnegativeSlope += ElementwiseOps.IsFloat32(x)
            ? ActivationOps.NegativePartDot<float>(x.Floats, gradient.Floats)
            : ActivationOps.NegativePartDot<double>(x.Doubles, gradient.Doubles);
    }

    /// <summary>
    /// Element-wise Gaussian error linear unit in its exact form, <c>x·Φ(x) = x·(1 + erf(x/√2))/2</c> (PyTorch's
    /// default, <c>approximate='none'</c>), not the tanh approximation.
    /// </summary>
    /// <remarks>
    /// <see cref="DType.Float64"/> evaluates erf to about 1e-15; <see cref="DType.Float32"/> uses a vectorised rational
    /// approximation of erf accurate to about 3e-7 absolute, a few units in the last place of a float.
    /// </remarks>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static Tensor Gelu(Tensor x)
    {
        var result = ElementwiseOps.UnaryResult(x);
        if (ElementwiseOps.IsFloat32(x))
        {
            ActivationOps.Gelu<float>(x.Floats, result.Floats);
        }
        else
        {
            ActivationOps.Gelu<double>(x.Doubles, result.Doubles);
        }

        return result;
    }

    /// <summary>The backward rule of <see cref="Gelu"/>: <c>dx += g·(Φ(x) + x·φ(x))</c>, φ the standard normal density.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Gelu))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void GeluBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.UnaryBackward(nameof(Gelu), gradient, result, x, dx);
        if (dx is null)
        {
            return;
        }

        if (ElementwiseOps.IsFloat32(x))
        {
            ActivationOps.GeluBackward<float>(x.Floats, gradient.Floats, dx.Floats);
        }
        else
        {
            ActivationOps.GeluBackward<double>(x.Doubles, gradient.Doubles, dx.Doubles);
        }
    }

    /// <summary>
    /// Softmax along <paramref name="axis"/>: <c>exp(xᵢ − max x) / Σⱼ exp(xⱼ − max x)</c>, so each slice along the axis
    /// is positive and sums to 1. Subtracting the maximum keeps large inputs finite.
    /// </summary>
    /// <param name="x">The tensor (rank 1 or more).</param>
    /// <param name="axis">The axis to normalise along; negative counts from the end (−1 is the last).</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside the tensor's rank.</exception>
    public static Tensor Softmax(Tensor x, int axis)
    {
        var result = ElementwiseOps.UnaryResult(x);
        var layout = AxisLayout.Of(x, axis, nameof(Softmax));
        if (ElementwiseOps.IsFloat32(x))
        {
            ActivationOps.Softmax<float>(x.Floats, result.Floats, layout, log: false);
        }
        else
        {
            ActivationOps.Softmax<double>(x.Doubles, result.Doubles, layout, log: false);
        }

        return result;
    }

    /// <summary>The backward rule of <see cref="Softmax"/>: <c>dx += result·(g − Σ_axis g·result)</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis the softmax normalised along.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Softmax))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SoftmaxBackward(Tensor gradient, Tensor result, Tensor x, int axis, Tensor? dx)
    {
        OpChecks.UnaryBackward(nameof(Softmax), gradient, result, x, dx);
        if (dx is null)
        {
            return;
        }

        var layout = AxisLayout.Of(x, axis, nameof(Softmax));
        if (ElementwiseOps.IsFloat32(x))
        {
            ActivationOps.SoftmaxBackward<float>(gradient.Floats, result.Floats, dx.Floats, layout, log: false);
        }
        else
        {
            ActivationOps.SoftmaxBackward<double>(gradient.Doubles, result.Doubles, dx.Doubles, layout, log: false);
        }
    }

    /// <summary>
    /// The logarithm of the softmax along <paramref name="axis"/>, computed directly as
    /// <c>xᵢ − max x − ln Σⱼ exp(xⱼ − max x)</c>, which stays finite where <c>Log(Softmax(x, axis))</c> underflows.
    /// </summary>
    /// <param name="x">The tensor (rank 1 or more).</param>
    /// <param name="axis">The axis to normalise along; negative counts from the end (−1 is the last).</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside the tensor's rank.</exception>
    public static Tensor LogSoftmax(Tensor x, int axis)
    {
        var result = ElementwiseOps.UnaryResult(x);
        var layout = AxisLayout.Of(x, axis, nameof(LogSoftmax));
        if (ElementwiseOps.IsFloat32(x))
        {
            ActivationOps.Softmax<float>(x.Floats, result.Floats, layout, log: true);
        }
        else
        {
            ActivationOps.Softmax<double>(x.Doubles, result.Doubles, layout, log: true);
        }

        return result;
    }

    /// <summary>The backward rule of <see cref="LogSoftmax"/>: <c>dx += g − exp(result)·Σ_axis g</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="axis">The axis the softmax normalised along.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(LogSoftmax))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void LogSoftmaxBackward(Tensor gradient, Tensor result, Tensor x, int axis, Tensor? dx)
    {
        OpChecks.UnaryBackward(nameof(LogSoftmax), gradient, result, x, dx);
        if (dx is null)
        {
            return;
        }

        var layout = AxisLayout.Of(x, axis, nameof(LogSoftmax));
        if (ElementwiseOps.IsFloat32(x))
        {
            ActivationOps.SoftmaxBackward<float>(gradient.Floats, result.Floats, dx.Floats, layout, log: true);
        }
        else
        {
            ActivationOps.SoftmaxBackward<double>(gradient.Doubles, result.Doubles, dx.Doubles, layout, log: true);
        }
    }
}
