using System;

namespace DiffGen;

/// <summary>
/// The argument checks every tensor operation and backward rule makes at its boundary. Messages name the operation
/// and the shapes or element types involved. Nothing here allocates unless it throws.
/// </summary>
internal static class OpChecks
{
    /// <summary>Throws if <paramref name="a"/> and <paramref name="b"/> have different element types.</summary>
    public static void SameDType(string operation, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
        {
            ThrowMixed(operation, a, b);
        }
    }

    /// <summary>
    /// Checks a gradient argument of a backward rule: null (skip) or the shape and element type of its input.
    /// </summary>
    public static void Gradient(string operation, string name, Tensor input, Tensor? gradient)
    {
        if (gradient is not null && (gradient.DType != input.DType || !gradient.SameShape(input)))
        {
            throw new ArgumentException(
                $"{operation}: the gradient {name} is {gradient.DType} {gradient.ShapeText()}; it must match its input, {input.DType} {input.ShapeText()}.",
                name);
        }
    }

    /// <summary>Checks that the upstream gradient of a tensor-valued rule matches the result.</summary>
    public static void Upstream(string operation, Tensor gradient, Tensor result)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(result);
        if (gradient.DType != result.DType || !gradient.SameShape(result))
        {
            throw new ArgumentException(
                $"{operation}: the upstream gradient is {gradient.DType} {gradient.ShapeText()}; it must match the result, {result.DType} {result.ShapeText()}.",
                nameof(gradient));
        }
    }

    /// <summary>Throws if two shapes differ (for operations that do not broadcast).</summary>
    public static void SameShape(string operation, Tensor a, Tensor b, string what)
    {
        if (!a.SameShape(b))
        {
            throw new ArgumentException($"{operation}: {what}: {a.ShapeText()} and {b.ShapeText()}.");
        }
    }

    /// <summary>Checks the arguments of a rule for a binary broadcasting operation.</summary>
    public static void BinaryBackward(string operation, Tensor gradient, Tensor result, Tensor a, Tensor b, Tensor? da, Tensor? db)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Upstream(operation, gradient, result);
        SameDType(operation, a, gradient);
        SameDType(operation, b, gradient);
        Gradient(operation, nameof(da), a, da);
        Gradient(operation, nameof(db), b, db);
        if (!Broadcasting.BroadcastsTo(a.Shape, result.Shape) || !Broadcasting.BroadcastsTo(b.Shape, result.Shape))
        {
            throw new ArgumentException($"{operation}: operands {a.ShapeText()} and {b.ShapeText()} do not broadcast to the result {result.ShapeText()}.");
        }
    }

    /// <summary>Checks the arguments of a rule whose one tensor input has the result's shape and element type.</summary>
    public static void UnaryBackward(string operation, Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        ArgumentNullException.ThrowIfNull(x);
        Upstream(operation, gradient, result);
        SameDType(operation, x, gradient);
        SameShape(operation, x, result, "the input and the result differ in shape");
        Gradient(operation, nameof(dx), x, dx);
    }

    /// <summary>Checks the arguments of the rule of a reduction over all elements (a result of one element).</summary>
    public static void ReductionBackward(string operation, Tensor gradient, Tensor result, Tensor x, Tensor? dx)
    {
        ArgumentNullException.ThrowIfNull(x);
        Upstream(operation, gradient, result);
        SameDType(operation, x, gradient);
        Gradient(operation, nameof(dx), x, dx);
        if (result.Length != 1)
        {
            throw new ArgumentException($"{operation}: the result of a reduction over all elements has one element; this one has shape {result.ShapeText()}.", nameof(result));
        }
    }

    /// <summary>Checks the arguments of the rule of a reduction along an axis.</summary>
    public static void ReductionBackward(string operation, Tensor gradient, Tensor result, Tensor x, Tensor? dx, AxisLayout layout)
    {
        ArgumentNullException.ThrowIfNull(x);
        Upstream(operation, gradient, result);
        SameDType(operation, x, gradient);
        Gradient(operation, nameof(dx), x, dx);
        if (result.Length != layout.Outer * layout.Inner)
        {
            throw new ArgumentException($"{operation}: the result {result.ShapeText()} is not a reduction of {x.ShapeText()} along axis {layout.Axis}.", nameof(result));
        }
    }

    /// <summary>Throws if <paramref name="x"/> has no elements (for reductions without an identity, such as the maximum).</summary>
    public static void NotEmpty(string operation, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length == 0)
        {
            throw new ArgumentException($"{operation}: the tensor of shape {x.ShapeText()} is empty.", nameof(x));
        }
    }

    /// <summary>Throws if the axis of <paramref name="layout"/> has size 0 while other slices exist.</summary>
    public static void AxisNotEmpty(string operation, Tensor x, AxisLayout layout)
    {
        if (layout.Size == 0 && layout.Outer * layout.Inner > 0)
        {
            throw new ArgumentException($"{operation}: axis {layout.Axis} of the tensor of shape {x.ShapeText()} is empty.", nameof(x));
        }
    }

    private static void ThrowMixed(string operation, Tensor a, Tensor b) =>
        throw new ArgumentException(
            $"{operation}: element types differ: {a.DType} {a.ShapeText()} and {b.DType} {b.ShapeText()}; convert one with To(DType.{a.DType}).");
}
