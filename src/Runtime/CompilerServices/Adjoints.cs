using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace DiffGen.CompilerServices;

/// <summary>Small operations that generated gradient code calls. Not for use in user code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Adjoints
{
    /// <summary>
    /// Checks a caller's gradient buffer against its input (same length, no overlap) and clears it, at the start of a
    /// generated <c>...WithGradient</c>.
    /// </summary>
    /// <param name="gradient">The buffer the method will overwrite with the gradient.</param>
    /// <param name="input">The input it is the gradient of.</param>
    /// <param name="gradientName">The buffer's parameter name, for the exception.</param>
    /// <param name="inputName">The input's parameter name, for the exception.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the buffer overlaps the input.</exception>
    public static void PrepareGradient(Span<double> gradient, ReadOnlySpan<double> input, string gradientName, string inputName)
    {
        Check(gradient.Length, input.Length, gradient.Overlaps(input), gradientName, inputName);
        gradient.Clear();
    }

    /// <inheritdoc cref="PrepareGradient(Span{double}, ReadOnlySpan{double}, string, string)"/>
    public static void PrepareGradient(Span<float> gradient, ReadOnlySpan<float> input, string gradientName, string inputName)
    {
        Check(gradient.Length, input.Length, gradient.Overlaps(input), gradientName, inputName);
        gradient.Clear();
    }

    /// <summary><paramref name="target"/>[i] += <paramref name="scale"/> · <paramref name="source"/>[i].</summary>
    /// <param name="target">The adjoint to add to.</param>
    /// <param name="source">A callee's gradient.</param>
    /// <param name="scale">The adjoint of the callee's result.</param>
    public static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double scale)
    {
        if (scale == 1)
        {
            TensorPrimitives.Add(target, source, target);
        }
        else
        {
            TensorPrimitives.MultiplyAdd(source, scale, target, target);
        }
    }

    /// <inheritdoc cref="AddScaled(Span{double}, ReadOnlySpan{double}, double)"/>
    public static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float scale)
    {
        if (scale == 1)
        {
            TensorPrimitives.Add(target, source, target);
        }
        else
        {
            TensorPrimitives.MultiplyAdd(source, scale, target, target);
        }
    }

    /// <summary><paramref name="target"/>[i] *= <paramref name="scale"/>: a fused loop's gradient, scaled by its accumulator's adjoint.</summary>
    /// <param name="target">The gradient to scale in place.</param>
    /// <param name="scale">The factor.</param>
    public static void Scale(Span<double> target, double scale)
    {
        if (scale != 1)
        {
            TensorPrimitives.Multiply(target, scale, target);
        }
    }

    /// <inheritdoc cref="Scale(Span{double}, double)"/>
    public static void Scale(Span<float> target, float scale)
    {
        if (scale != 1)
        {
            TensorPrimitives.Multiply(target, scale, target);
        }
    }

    private static void Check(int gradientLength, int inputLength, bool overlaps, string gradientName, string inputName)
    {
        if (gradientLength != inputLength)
        {
            throw new ArgumentException(
                $"The gradient buffer '{gradientName}' has length {gradientLength}, but '{inputName}' has length {inputLength}; pass a buffer as long as '{inputName}'.",
                gradientName);
        }

        if (overlaps)
        {
            throw new ArgumentException($"The gradient buffer '{gradientName}' overlaps '{inputName}'; pass a separate buffer.", gradientName);
        }
    }
}
