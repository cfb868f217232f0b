using System;
using System.Collections.Generic;

namespace DiffGen;

public static partial class GradCheck
{
    /// <summary>
    /// Checks the gradients a model's <c>...WithGradient</c> accumulates into <see cref="Parameter.Grad"/> against
    /// finite differences of the loss with respect to every parameter's values (like <c>torch.autograd.gradcheck</c>
    /// for a module).
    /// </summary>
    /// <remarks>
    /// The parameters are seen as one vector and checked as <see cref="Run"/> checks a function of it, at their current
    /// values and at random points around them. <paramref name="lossWithGradient"/> is called with every gradient set
    /// to zero first, so it must add the gradient once (as a generated <c>...WithGradient</c> does). The parameters
    /// must be <see cref="DType.Float64"/>: in float32 rounding hides the errors the check looks for. Their values and
    /// gradients are restored when the check ends.
    /// </remarks>
    /// <param name="parameters">The parameters to check (<c>model.Parameters()</c>).</param>
    /// <param name="loss">Computes the loss from the parameters' current values.</param>
    /// <param name="lossWithGradient">Computes the loss and adds its gradient into each <see cref="Parameter.Grad"/>.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The worst error found and where (the point and direction are in the order of <paramref name="parameters"/>, flattened).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There are no parameters, or one is not Float64.</exception>
    public static GradCheckResult Parameters(IReadOnlyList<Parameter> parameters, Func<double> loss, Func<double> lossWithGradient, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(lossWithGradient);
        int total = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i] ?? throw new ArgumentException($"Parameter {i} is null.", nameof(parameters));
            if (p.DType != DType.Float64)
            {
                throw new ArgumentException($"Parameter {i} is {p.DType}; a gradient check needs Float64 parameters (convert them with Parameter.ConvertTo(DType.Float64)).", nameof(parameters));
            }

            total += p.Value.Length;
        }

        if (total == 0)
        {
            throw new ArgumentException("There are no parameter values to check.", nameof(parameters));
        }

        var saved = new double[total];
        var savedGrad = new double[total];
        Gather(parameters, saved, grad: false);
        Gather(parameters, savedGrad, grad: true);
        try
        {
            return Run(
                x =>
                {
                    Scatter(parameters, x);
                    return loss();
                },
                (x, gradient) =>
                {
                    Scatter(parameters, x);
                    for (int i = 0; i < parameters.Count; i++)
                    {
                        parameters[i].ZeroGrad();
                    }

                    double value = lossWithGradient();
                    Gather(parameters, gradient, grad: true);
                    return value;
                },
                saved,
                options);
        }
        finally
        {
            Scatter(parameters, saved);
            int offset = 0;
            for (int i = 0; i < parameters.Count; i++)
            {
                var g = parameters[i].Grad.Doubles;
                savedGrad.AsSpan(offset, g.Length).CopyTo(g);
                offset += g.Length;
            }
        }
    }

    private static void Scatter(IReadOnlyList<Parameter> parameters, ReadOnlySpan<double> x)
    {
        int offset = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            var values = parameters[i].Value.Doubles;
            x.Slice(offset, values.Length).CopyTo(values);
            offset += values.Length;
        }
    }

    private static void Gather(IReadOnlyList<Parameter> parameters, Span<double> destination, bool grad)
    {
        int offset = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            var values = grad ? parameters[i].Grad.Doubles : parameters[i].Value.Doubles;
            values.CopyTo(destination.Slice(offset, values.Length));
            offset += values.Length;
        }
    }
}
