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

    /// <summary>
    /// The gradient tensor of a value, created zeroed (with the value's shape and element type) the first time it is
    /// needed. Inside a generated gradient this comes from the <see cref="TensorArena"/>.
    /// </summary>
    /// <param name="gradient">The adjoint variable; null until something flows into it.</param>
    /// <param name="like">The value it is the gradient of.</param>
    /// <returns>The gradient tensor.</returns>
    public static Tensor GradientFor(ref Tensor? gradient, Tensor like) =>
        gradient ??= Tensor.Zeros(like.DType, like.Shape);

    /// <summary>
    /// Adds <paramref name="value"/> into the adjoint <paramref name="gradient"/>; when <paramref name="gradient"/> is
    /// null it takes <paramref name="value"/> itself (no copy), and nothing happens when <paramref name="value"/> is null.
    /// </summary>
    /// <remarks>
    /// Taking the tensor is safe because generated code passes an adjoint it no longer uses (an adjoint is read once,
    /// when the reverse sweep undoes the assignment it belongs to, and reset or never read again).
    /// </remarks>
    /// <param name="gradient">The adjoint variable.</param>
    /// <param name="value">The contribution.</param>
    public static void Accumulate(ref Tensor? gradient, Tensor? value)
    {
        if (value is null)
        {
            return;
        }

        if (gradient is null)
        {
            gradient = value;
            return;
        }

        AddInto(gradient, value);
    }

    /// <summary>Adds <paramref name="value"/> into a parameter's gradient (which exists and has the parameter's shape).</summary>
    /// <param name="gradient">The parameter's <see cref="Parameter.Grad"/>.</param>
    /// <param name="value">The contribution; nothing happens when null.</param>
    public static void Accumulate(Tensor gradient, Tensor? value)
    {
        if (value is not null)
        {
            AddInto(gradient, value);
        }
    }

    /// <summary>
    /// Checks a caller's gradient tensor against its input at the start of a generated method: same shape and element
    /// type, not the same storage.
    /// </summary>
    /// <param name="gradient">The tensor the method will overwrite with the gradient.</param>
    /// <param name="input">The input it is the gradient of.</param>
    /// <param name="gradientName">The gradient's parameter name, for the exception.</param>
    /// <param name="inputName">The input's parameter name, for the exception.</param>
    /// <exception cref="ArgumentNullException">A tensor is null.</exception>
    /// <exception cref="ArgumentException">The shapes or element types differ.</exception>
    public static void PrepareGradient(Tensor gradient, Tensor input, string gradientName, string inputName)
    {
        ArgumentNullException.ThrowIfNull(gradient, gradientName);
        ArgumentNullException.ThrowIfNull(input, inputName);
        if (!gradient.SameShape(input) || gradient.DType != input.DType)
        {
            throw new ArgumentException(
                $"The gradient tensor '{gradientName}' is {gradient.DType} {gradient.ShapeText()}, but '{inputName}' is {input.DType} {input.ShapeText()}; pass a tensor like '{inputName}'.",
                gradientName);
        }

        if (ReferenceEquals(gradient, input))
        {
            throw new ArgumentException($"The gradient tensor '{gradientName}' is '{inputName}' itself; pass a separate tensor.", gradientName);
        }
    }

    /// <summary>Writes a computed gradient (or zeros, when nothing flowed) into the caller's gradient tensor.</summary>
    /// <param name="destination">The caller's tensor.</param>
    /// <param name="gradient">The adjoint, or null.</param>
    public static void CopyGradient(Tensor destination, Tensor? gradient)
    {
        if (gradient is null)
        {
            destination.Clear();
        }
        else
        {
            destination.CopyFrom(gradient);
        }
    }

    private static void AddInto(Tensor gradient, Tensor value)
    {
        if (!gradient.SameShape(value) || gradient.DType != value.DType)
        {
            throw new ArgumentException($"A gradient of {value.DType} {value.ShapeText()} cannot be added to one of {gradient.DType} {gradient.ShapeText()}.", nameof(value));
        }

        if (gradient.DType == DType.Float32)
        {
            TensorPrimitives.Add(gradient.Floats, value.Floats, gradient.Floats);
        }
        else
        {
            TensorPrimitives.Add(gradient.Doubles, value.Doubles, gradient.Doubles);
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
