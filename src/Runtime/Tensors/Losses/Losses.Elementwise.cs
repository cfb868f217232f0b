using System;
using System.ComponentModel;

namespace DiffGen;

public static partial class Losses
{
    /// <summary>
    /// The mean squared error: the reduction of <c>(input - target)²</c> over all elements
    /// (PyTorch's <c>mse_loss</c>).
    /// </summary>
    /// <param name="input">The predictions, any shape.</param>
    /// <param name="target">The targets, same shape as <paramref name="input"/>; gets no gradient.</param>
    /// <param name="reduction"><see cref="Reduction.Mean"/> (over all elements) or <see cref="Reduction.Sum"/>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static double MseLoss(Tensor input, [NoDiff] Tensor target, Reduction reduction = Reduction.Mean) =>
        Elementwise(default(Squared), nameof(MseLoss), input, target, reduction);

    /// <summary>The backward rule of <see cref="MseLoss"/>: adds <c>gradient · 2 (input - target)</c> (divided by the element count for <see cref="Reduction.Mean"/>) into <paramref name="dinput"/>.</summary>
    /// <param name="gradient">The upstream gradient of the loss.</param>
    /// <param name="result">The loss.</param>
    /// <param name="input">The predictions.</param>
    /// <param name="target">The targets.</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="dinput">The gradient of <paramref name="input"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(MseLoss))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MseLossBackward(double gradient, double result, Tensor input, [NoDiff] Tensor target, Reduction reduction, Tensor? dinput) =>
        ElementwiseBackward(default(Squared), nameof(MseLossBackward), gradient, input, target, reduction, dinput);

    /// <summary>
    /// The mean absolute error: the reduction of <c>|input - target|</c> over all elements (PyTorch's <c>l1_loss</c>).
    /// Its derivative at <c>input == target</c> is taken as 0, as in PyTorch.
    /// </summary>
    /// <param name="input">The predictions, any shape.</param>
    /// <param name="target">The targets, same shape as <paramref name="input"/>; gets no gradient.</param>
    /// <param name="reduction"><see cref="Reduction.Mean"/> (over all elements) or <see cref="Reduction.Sum"/>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static double L1Loss(Tensor input, [NoDiff] Tensor target, Reduction reduction = Reduction.Mean) =>
        Elementwise(default(Absolute), nameof(L1Loss), input, target, reduction);

    /// <summary>The backward rule of <see cref="L1Loss"/>: adds <c>gradient · sign(input - target)</c> (divided by the element count for <see cref="Reduction.Mean"/>) into <paramref name="dinput"/>.</summary>
    /// <param name="gradient">The upstream gradient of the loss.</param>
    /// <param name="result">The loss.</param>
    /// <param name="input">The predictions.</param>
    /// <param name="target">The targets.</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="dinput">The gradient of <paramref name="input"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(L1Loss))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void L1LossBackward(double gradient, double result, Tensor input, [NoDiff] Tensor target, Reduction reduction, Tensor? dinput) =>
        ElementwiseBackward(default(Absolute), nameof(L1LossBackward), gradient, input, target, reduction, dinput);

    /// <summary>
    /// The Huber loss (PyTorch's <c>huber_loss</c>): for each element, with <c>d = input - target</c>,
    /// <c>d² / 2</c> where <c>|d| ≤ delta</c> and <c>delta · (|d| - delta / 2)</c> elsewhere; then the reduction.
    /// </summary>
    /// <param name="input">The predictions, any shape.</param>
    /// <param name="target">The targets, same shape as <paramref name="input"/>; gets no gradient.</param>
    /// <param name="reduction"><see cref="Reduction.Mean"/> (over all elements) or <see cref="Reduction.Sum"/>.</param>
    /// <param name="delta">Where the loss turns from quadratic to linear; must be positive. Gets no gradient.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The shapes differ, or <paramref name="delta"/> is not positive.</exception>
    public static double HuberLoss(Tensor input, [NoDiff] Tensor target, Reduction reduction = Reduction.Mean, [NoDiff] double delta = 1.0) =>
        Elementwise(HuberTerm(nameof(HuberLoss), delta), nameof(HuberLoss), input, target, reduction);

    /// <summary>The backward rule of <see cref="HuberLoss"/>: adds <c>gradient · clamp(input - target, -delta, delta)</c> (divided by the element count for <see cref="Reduction.Mean"/>) into <paramref name="dinput"/>.</summary>
    /// <param name="gradient">The upstream gradient of the loss.</param>
    /// <param name="result">The loss.</param>
    /// <param name="input">The predictions.</param>
    /// <param name="target">The targets.</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="delta">Where the loss turns from quadratic to linear.</param>
    /// <param name="dinput">The gradient of <paramref name="input"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(HuberLoss))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void HuberLossBackward(double gradient, double result, Tensor input, [NoDiff] Tensor target, Reduction reduction, [NoDiff] double delta, Tensor? dinput) =>
        ElementwiseBackward(HuberTerm(nameof(HuberLossBackward), delta), nameof(HuberLossBackward), gradient, input, target, reduction, dinput);

    /// <summary>
    /// Binary cross-entropy of logits (PyTorch's <c>binary_cross_entropy_with_logits</c>): for each element,
    /// <c>-(target · log σ(input) + (1 - target) · log(1 - σ(input)))</c>, computed in the stable form
    /// <c>max(input, 0) - input · target + log(1 + exp(-|input|))</c>, which neither overflows nor takes the
    /// logarithm of a rounded-off zero; then the reduction.
    /// </summary>
    /// <param name="input">The logits, any shape.</param>
    /// <param name="target">The target probabilities (usually 0 or 1), same shape as <paramref name="input"/>; gets no gradient.</param>
    /// <param name="reduction"><see cref="Reduction.Mean"/> (over all elements) or <see cref="Reduction.Sum"/>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static double BinaryCrossEntropyWithLogits(Tensor input, [NoDiff] Tensor target, Reduction reduction = Reduction.Mean) =>
        Elementwise(default(LogitCrossEntropy), nameof(BinaryCrossEntropyWithLogits), input, target, reduction);

    /// <summary>The backward rule of <see cref="BinaryCrossEntropyWithLogits"/>: adds <c>gradient · (σ(input) - target)</c> (divided by the element count for <see cref="Reduction.Mean"/>) into <paramref name="dinput"/>.</summary>
    /// <param name="gradient">The upstream gradient of the loss.</param>
    /// <param name="result">The loss.</param>
    /// <param name="input">The logits.</param>
    /// <param name="target">The target probabilities.</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="dinput">The gradient of <paramref name="input"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(BinaryCrossEntropyWithLogits))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void BinaryCrossEntropyWithLogitsBackward(double gradient, double result, Tensor input, [NoDiff] Tensor target, Reduction reduction, Tensor? dinput) =>
        ElementwiseBackward(default(LogitCrossEntropy), nameof(BinaryCrossEntropyWithLogitsBackward), gradient, input, target, reduction, dinput);

    /// <summary>The loss of one element and its derivative with respect to the input.</summary>
    private interface IElementLoss
    {
        double Value(double x, double y);

        double Derivative(double x, double y);
    }

    private readonly struct Squared : IElementLoss
    {
        public double Value(double x, double y) => (x - y) * (x - y);

        public double Derivative(double x, double y) => 2 * (x - y);
    }

    private readonly struct Absolute : IElementLoss
    {
        public double Value(double x, double y) => Math.Abs(x - y);

        public double Derivative(double x, double y) => x > y ? 1 : x < y ? -1 : 0;
    }

    private readonly struct Huber(double delta) : IElementLoss
    {
        public double Value(double x, double y)
        {
            double d = Math.Abs(x - y);
            return d <= delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
        }

        public double Derivative(double x, double y) => Math.Clamp(x - y, -delta, delta);
    }

    private readonly struct LogitCrossEntropy : IElementLoss
    {
        public double Value(double x, double y) => Math.Max(x, 0) - x * y + Log1P(Math.Exp(-Math.Abs(x)));

        public double Derivative(double x, double y)
        {
            double sigmoid = x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
            return sigmoid - y;
        }
    }

    private static Huber HuberTerm(string loss, double delta) => delta > 0 && double.IsFinite(delta)
        ? new Huber(delta)
        : throw new ArgumentOutOfRangeException(nameof(delta), delta, $"{loss}: delta must be positive and finite.");

    private static double Elementwise<TLoss>(TLoss loss, string name, Tensor input, Tensor target, Reduction reduction)
        where TLoss : struct, IElementLoss
    {
        CheckSameShape(name, input, target);
        CheckReduction(name, reduction);
        var y = new Values(target);
        double sum = 0;
        if (input.DType == DType.Float32)
        {
            ReadOnlySpan<float> x = input.Floats;
            for (int i = 0; i < x.Length; i++)
            {
                sum += loss.Value(x[i], y[i]);
            }
        }
        else
        {
            ReadOnlySpan<double> x = input.Doubles;
            for (int i = 0; i < x.Length; i++)
            {
                sum += loss.Value(x[i], y[i]);
            }
        }

        return sum * ReductionScale(reduction, input.Length);
    }

    private static void ElementwiseBackward<TLoss>(TLoss loss, string name, double gradient, Tensor input, Tensor target, Reduction reduction, Tensor? dinput)
        where TLoss : struct, IElementLoss
    {
        CheckSameShape(name, input, target);
        CheckReduction(name, reduction);
        if (dinput is null)
        {
            return;
        }

        CheckGradient(name, nameof(dinput), input, dinput);
        double scale = gradient * ReductionScale(reduction, input.Length);
        var y = new Values(target);
        if (input.DType == DType.Float32)
        {
            ReadOnlySpan<float> x = input.Floats;
            Span<float> dx = dinput.Floats;
            for (int i = 0; i < x.Length; i++)
            {
                dx[i] += (float)(scale * loss.Derivative(x[i], y[i]));
            }
        }
        else
        {
            ReadOnlySpan<double> x = input.Doubles;
            Span<double> dx = dinput.Doubles;
            for (int i = 0; i < x.Length; i++)
            {
                dx[i] += scale * loss.Derivative(x[i], y[i]);
            }
        }
    }
}
