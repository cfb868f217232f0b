using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

// Element-wise functions: Exp, Log, Sqrt, Abs, Pow.
public static partial class TensorMath
{
    /// <summary>Element-wise exponential <c>eˣ</c>.</summary>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static unsafe Tensor Exp(Tensor x) =>
        ElementwiseOps.Map(x, &TensorPrimitives.Exp, &TensorPrimitives.Exp);

    /// <summary>The backward rule of <see cref="Exp"/>: <c>dx += g·result</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Exp))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ExpBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.UnaryBackward(nameof(Exp), gradient, result, x, dx);
        if (dx is not null)
        {
            ElementwiseOps.MultiplyAddInto(gradient, result, dx);
        }
    }

    /// <summary>Element-wise natural logarithm <c>ln x</c> (NaN for x &lt; 0, −∞ at 0).</summary>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static unsafe Tensor Log(Tensor x) =>
        ElementwiseOps.Map(x, &TensorPrimitives.Log, &TensorPrimitives.Log);

    /// <summary>The backward rule of <see cref="Log"/>: <c>dx += g / x</c>.</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Log))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void LogBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.UnaryBackward(nameof(Log), gradient, result, x, dx);
        ElementwiseOps.AccumulateTerm<ElementKernels.ScaledQuotient<float>, ElementKernels.ScaledQuotient<double>>(x, gradient, 1, dx);
    }

    /// <summary>Element-wise square root <c>√x</c> (NaN for x &lt; 0).</summary>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static unsafe Tensor Sqrt(Tensor x) =>
        ElementwiseOps.Map(x, &TensorPrimitives.Sqrt, &TensorPrimitives.Sqrt);

    /// <summary>The backward rule of <see cref="Sqrt"/>: <c>dx += g / (2·result)</c> (infinite at 0, as in PyTorch).</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Sqrt))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SqrtBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.UnaryBackward(nameof(Sqrt), gradient, result, x, dx);
        ElementwiseOps.AccumulateTerm<ElementKernels.ScaledQuotient<float>, ElementKernels.ScaledQuotient<double>>(result, gradient, 0.5, dx);
    }

    /// <summary>Element-wise absolute value <c>|x|</c>.</summary>
    /// <param name="x">The tensor.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static unsafe Tensor Abs(Tensor x) =>
        ElementwiseOps.Map(x, &TensorPrimitives.Abs, &TensorPrimitives.Abs);

    /// <summary>The backward rule of <see cref="Abs"/>: <c>dx += g·sign(x)</c>, with sign(0) = 0 (PyTorch's choice at the kink).</summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The tensor.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Abs))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AbsBackward(Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        OpChecks.UnaryBackward(nameof(Abs), gradient, result, x, dx);
        ElementwiseOps.AccumulateTerm<ElementKernels.AbsGradient<float>, ElementKernels.AbsGradient<double>>(x, gradient, 0, dx);
    }

    /// <summary>Element-wise power <c>xᵖ</c> with a scalar exponent.</summary>
    /// <param name="x">The bases.</param>
    /// <param name="exponent">The exponent.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    /// <remarks>C#'s <c>^</c> is exclusive-or, with a precedence below <c>+</c>, so DiffGen has no power operator: write <c>Pow(x, 2)</c>.</remarks>
    public static Tensor Pow(Tensor x, double exponent)
    {
        var result = ElementwiseOps.UnaryResult(x);
        if (ElementwiseOps.IsFloat32(x))
        {
            TensorPrimitives.Pow(x.Floats, (float)exponent, result.Floats);
        }
        else
        {
            TensorPrimitives.Pow(x.Doubles, exponent, result.Doubles);
        }

        return result;
    }

    /// <summary>
    /// The backward rule of <see cref="Pow(Tensor, double)"/>: <c>dx += g·p·x^(p−1)</c> (nothing when p = 0) and
    /// <c>dexponent += Σ g·result·ln x</c>, where elements with x = 0 and p ≥ 0 contribute 0 (PyTorch's convention).
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The bases.</param>
    /// <param name="exponent">The exponent.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    /// <param name="dexponent">The gradient of <paramref name="exponent"/> to add into.</param>
    [DerivativeOf(nameof(Pow))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void PowBackward(Tensor gradient, Tensor result, Tensor x, double exponent, Tensor? dx, ref double dexponent)
    {
        OpChecks.UnaryBackward(nameof(Pow), gradient, result, x, dx);
        if (ElementwiseOps.IsFloat32(x))
        {
            dexponent += ElementwiseOps.PowScalarBackwardCore<float>(gradient, result, x, (float)exponent, dx);
        }
        else
        {
            dexponent += ElementwiseOps.PowScalarBackwardCore<double>(gradient, result, x, exponent, dx);
        }
    }

    /// <summary>Element-wise power <c>x^y</c> with NumPy broadcasting.</summary>
    /// <param name="x">The bases.</param>
    /// <param name="exponent">The exponents.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or the element types differ.</exception>
    public static Tensor Pow(Tensor x, Tensor exponent) =>
        ElementwiseOps.Broadcast<ElementKernels.Pow<float>, ElementKernels.Pow<double>>(nameof(Pow), x, exponent);

    /// <summary>
    /// The backward rule of <see cref="Pow(Tensor, Tensor)"/>: <c>dx += g·y·x^(y−1)</c> (0 where y = 0) and
    /// <c>dexponent += g·result·ln x</c> (0 where x = 0 and y ≥ 0), each summed over broadcast dimensions.
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like the result.</param>
    /// <param name="result">The result of the operation.</param>
    /// <param name="x">The bases.</param>
    /// <param name="exponent">The exponents.</param>
    /// <param name="dx">The gradient of <paramref name="x"/> to add into, or <see langword="null"/>.</param>
    /// <param name="dexponent">The gradient of <paramref name="exponent"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Pow))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void PowBackward(Tensor gradient, Tensor result, Tensor x, Tensor exponent, Tensor? dx, Tensor? dexponent)
    {
        OpChecks.BinaryBackward(nameof(Pow), gradient, result, x, exponent, dx, dexponent);
        if (dx is null && dexponent is null)
        {
            return;
        }

        if (ElementwiseOps.IsFloat32(x))
        {
            ElementwiseOps.PowTensorBackwardCore<float>(gradient, result, x, exponent, dx, dexponent);
        }
        else
        {
            ElementwiseOps.PowTensorBackwardCore<double>(gradient, result, x, exponent, dx, dexponent);
        }
    }
}
