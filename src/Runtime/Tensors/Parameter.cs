using System;

namespace DiffGen;

/// <summary>
/// A trainable tensor and the gradient accumulated for it: what optimizers update and checkpoints save.
/// </summary>
/// <remarks>
/// Gradients add up, as in PyTorch: each generated <c>...WithGradient</c> call adds into <see cref="Grad"/> until
/// <see cref="ZeroGrad"/> (or an optimizer's <c>ZeroGrad()</c>) clears it.
/// </remarks>
public sealed class Parameter
{
    /// <summary>Creates a parameter holding <paramref name="value"/> (not copied) with a zero gradient of the same shape.</summary>
    /// <param name="value">The initial value.</param>
    public Parameter(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
        Grad = Tensor.Zeros(value.DType, value.Shape);
    }

    /// <summary>The current value.</summary>
    public Tensor Value { get; private set; }

    /// <summary>The accumulated gradient; same shape and element type as <see cref="Value"/>.</summary>
    public Tensor Grad { get; private set; }

    /// <summary>Whether optimizers update this parameter. Default <see langword="true"/>.</summary>
    public bool RequiresGrad { get; set; } = true;

    /// <summary>The shape of <see cref="Value"/>.</summary>
    public ReadOnlySpan<int> Shape => Value.Shape;

    /// <summary>The element type of <see cref="Value"/>.</summary>
    public DType DType => Value.DType;

    /// <summary>Sets the gradient to zero.</summary>
    public void ZeroGrad() => Grad.Clear();

    /// <summary>Converts value and gradient to <paramref name="dtype"/> in place (to run a model in double precision for a gradient check).</summary>
    /// <param name="dtype">The element type.</param>
    public void ConvertTo(DType dtype)
    {
        if (dtype != Value.DType)
        {
            Value = Value.To(dtype);
            Grad = Grad.To(dtype);
        }
    }

    /// <summary>
    /// The parameter's current value, so that a parameter is used where a tensor is expected (<c>MatMul(x, W)</c>). In a
    /// <c>[Differentiable]</c> method this is where a parameter's gradient flows back into <see cref="Grad"/>.
    /// </summary>
    /// <param name="parameter">The parameter.</param>
    public static implicit operator Tensor(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Value;
    }

    /// <summary>Wraps a tensor as a parameter.</summary>
    /// <param name="value">The initial value.</param>
    public static implicit operator Parameter(Tensor value) => new(value);

    /// <summary>Describes the parameter's shape and element type.</summary>
    public override string ToString() => $"Parameter {Value.DType} {Value.ShapeText()}";
}

/// <summary>A parameter with its stable dotted name in a model (<c>conv1.weight</c>).</summary>
/// <param name="Name">The dotted name.</param>
/// <param name="Parameter">The parameter.</param>
public readonly record struct NamedParameter(string Name, Parameter Parameter);
