using System;
using System.Collections.Generic;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

/// <summary>
/// Limits gradients before <see cref="Optimizer.Step"/>: by their global norm (<see cref="ClipGradNorm"/>, PyTorch's
/// <c>clip_grad_norm_</c>) or element by element (<see cref="ClipGradValue"/>, PyTorch's <c>clip_grad_value_</c>).
/// </summary>
/// <remarks>
/// Parameters whose <see cref="Parameter.RequiresGrad"/> is <see langword="false"/> are left out, as PyTorch leaves out
/// parameters without a gradient. Given a list or an array (such as <see cref="Optimizer.Parameters"/>) the methods
/// allocate nothing.
/// <code>
/// optimizer.ZeroGrad();
/// net.LossWithGradient(inputs, labels);
/// GradientClipping.ClipGradNorm(optimizer.Parameters, maxNorm: 1.0);
/// optimizer.Step();
/// </code>
/// </remarks>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients together so that their total norm is at most <paramref name="maxNorm"/>: the total norm is
    /// the <paramref name="normType"/>-norm of all gradient elements as one vector, and each gradient is multiplied by
    /// <c>min(1, maxNorm / (total + 1e-6))</c>.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="maxNorm">The largest total norm, a finite number &gt;= 0.</param>
    /// <param name="normType">The p of the p-norm, &gt; 0, or <see cref="double.PositiveInfinity"/> for the largest magnitude; default 2.</param>
    /// <param name="errorIfNonfinite">Whether to throw when the total norm is NaN or infinite, instead of scaling by it (which, as in PyTorch, turns the gradients into NaN or zero).</param>
    /// <returns>The total norm before clipping (0 when there are no gradients), computed in double precision.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> or <paramref name="normType"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="errorIfNonfinite"/> is set and the total norm is NaN or infinite; the gradients are unchanged.</exception>
    public static double ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        OptionRules.AtLeastZero(maxNorm, nameof(maxNorm), null);
        if (!(normType > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(normType), $"normType must be > 0 or +Infinity; got {OptionRules.Text(normType)}.");
        }

        var list = parameters as IReadOnlyList<Parameter> ?? [.. parameters];
        double total = 0;
        bool infinity = double.IsPositiveInfinity(normType);
        for (int i = 0; i < list.Count; i++)
        {
            var parameter = list[i];
            if (parameter is null || !parameter.RequiresGrad)
            {
                continue;
            }

            double part = parameter.DType == DType.Float32
                ? NormPart<float>(parameter.Grad.Floats, normType)
                : NormPart<double>(parameter.Grad.Doubles, normType);
            total = infinity ? (double.IsNaN(part) ? part : Math.Max(total, part)) : total + part;
        }

        if (!infinity)
        {
            total = normType == 2 ? Math.Sqrt(total) : normType == 1 ? total : Math.Pow(total, 1 / normType);
        }

        if (!double.IsFinite(total) && errorIfNonfinite)
        {
            throw new InvalidOperationException($"The total {OptionRules.Text(normType)}-norm of the gradients is {OptionRules.Text(total)}, so they cannot be clipped; pass errorIfNonfinite: false to scale them anyway.");
        }

        double coefficient = maxNorm / (total + 1e-6);
        if (!(coefficient >= 1))
        {
            for (int i = 0; i < list.Count; i++)
            {
                var parameter = list[i];
                if (parameter is null || !parameter.RequiresGrad)
                {
                    continue;
                }

                if (parameter.DType == DType.Float32)
                {
                    TensorPrimitives.Multiply(parameter.Grad.Floats, (float)coefficient, parameter.Grad.Floats);
                }
                else
                {
                    TensorPrimitives.Multiply(parameter.Grad.Doubles, coefficient, parameter.Grad.Doubles);
                }
            }
        }

        return total;
    }

    /// <summary>Clamps every gradient element into [−<paramref name="clipValue"/>, <paramref name="clipValue"/>]; NaN stays NaN.</summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="clipValue">The largest magnitude, a finite number &gt;= 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is out of range.</exception>
    public static void ClipGradValue(IEnumerable<Parameter> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        OptionRules.AtLeastZero(clipValue, nameof(clipValue), null);
        var list = parameters as IReadOnlyList<Parameter> ?? [.. parameters];
        for (int i = 0; i < list.Count; i++)
        {
            var parameter = list[i];
            if (parameter is null || !parameter.RequiresGrad)
            {
                continue;
            }

            if (parameter.DType == DType.Float32)
            {
                Clamp(parameter.Grad.Floats, (float)clipValue);
            }
            else
            {
                Clamp(parameter.Grad.Doubles, clipValue);
            }
        }
    }

    private static void Clamp<T>(Span<T> values, T limit)
        where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            T x = values[i];
            values[i] = x < -limit ? -limit : x > limit ? limit : x;
        }
    }

    /// <summary>Σ|x|^p in double precision, or max |x| for p = ∞ (NaN if any element is NaN).</summary>
    private static double NormPart<T>(ReadOnlySpan<T> values, double p)
        where T : IFloatingPointIeee754<T>
    {
        double sum = 0;
        if (double.IsPositiveInfinity(p))
        {
            for (int i = 0; i < values.Length; i++)
            {
                double magnitude = Math.Abs(double.CreateTruncating(values[i]));
                if (double.IsNaN(magnitude))
                {
                    return magnitude;
                }

                sum = Math.Max(sum, magnitude);
            }

            return sum;
        }

        for (int i = 0; i < values.Length; i++)
        {
            double magnitude = Math.Abs(double.CreateTruncating(values[i]));
            sum += p == 2 ? magnitude * magnitude : p == 1 ? magnitude : Math.Pow(magnitude, p);
        }

        return sum;
    }
}
