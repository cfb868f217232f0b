using System;

namespace DiffGen;

/// <summary>
/// Loss functions: each returns the loss as a <see cref="double"/> and has a backward rule
/// (<see cref="DerivativeOfAttribute">[DerivativeOf]</see>) next to it, so <c>[Differentiable]</c> code can call it.
/// </summary>
/// <remarks>
/// <para>
/// The losses follow PyTorch's functions of the same names (<c>torch.nn.functional.mse_loss</c>, <c>l1_loss</c>,
/// <c>huber_loss</c>, <c>cross_entropy</c>, <c>nll_loss</c>, <c>binary_cross_entropy_with_logits</c>) with
/// <see cref="Reduction.Mean"/> or <see cref="Reduction.Sum"/>. Inputs may be <see cref="DType.Float32"/> or
/// <see cref="DType.Float64"/>; targets may have either element type too. The loss is accumulated in
/// <see cref="double"/>, and no call allocates.
/// </para>
/// <code>
/// double loss = Losses.CrossEntropy(logits, batch.Labels);           // logits [N, C], labels [N] class indices
/// double mse = Losses.MseLoss(prediction, target, Reduction.Sum);
/// </code>
/// </remarks>
public static partial class Losses
{
    /// <summary>Element-by-element read access to a tensor of either element type, as <see cref="double"/>.</summary>
    private readonly ref struct Values
    {
        private readonly ReadOnlySpan<float> _floats;
        private readonly ReadOnlySpan<double> _doubles;
        private readonly bool _isFloat;

        public Values(Tensor tensor)
        {
            _isFloat = tensor.DType == DType.Float32;
            if (_isFloat)
            {
                _floats = tensor.Floats;
            }
            else
            {
                _doubles = tensor.Doubles;
            }
        }

        public double this[int index] => _isFloat ? _floats[index] : _doubles[index];
    }

    private static void CheckReduction(string loss, Reduction reduction)
    {
        if (reduction is not (Reduction.Mean or Reduction.Sum))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"{loss}: reduction must be Reduction.Mean or Reduction.Sum.");
        }
    }

    private static void CheckSameShape(string loss, Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!input.SameShape(target))
        {
            throw new ArgumentException($"{loss}: input has shape {input.ShapeText()} and target has shape {target.ShapeText()}; they must be equal.", nameof(target));
        }
    }

    /// <summary>Checks that a gradient given to a backward rule has the shape and element type of its input.</summary>
    private static void CheckGradient(string rule, string name, Tensor input, Tensor gradient)
    {
        if (!gradient.SameShape(input) || gradient.DType != input.DType)
        {
            throw new ArgumentException($"{rule}: {name} is {gradient.DType} {gradient.ShapeText()}; it must match the input, {input.DType} {input.ShapeText()}.", name);
        }
    }

    /// <summary>The factor that turns a sum over <paramref name="count"/> terms into the requested reduction.</summary>
    private static double ReductionScale(Reduction reduction, int count) => reduction == Reduction.Mean ? 1.0 / count : 1.0;

    /// <summary><c>log(1 + x)</c>, accurate for small <paramref name="x"/> (Goldberg's method; <see cref="Math.Log(double)"/> of <c>1 + x</c> loses the low bits).</summary>
    private static double Log1P(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * (x / (u - 1.0));
    }
}
