using System;
using System.Collections.Generic;

namespace DiffGen;

/// <summary>
/// One parameter group of an optimizer as it runs (PyTorch's <c>optimizer.param_groups[i]</c>): its parameters and its
/// current learning rate, which schedules and user code may change between steps.
/// </summary>
public sealed class OptimizerGroup
{
    private double _learningRate;

    internal OptimizerGroup(int index, Parameter[] parameters, int[] parameterIndices, double learningRate, GroupOptions options)
    {
        Index = index;
        Parameters = Array.AsReadOnly(parameters);
        ParameterIndices = parameterIndices;
        _learningRate = learningRate;
        Options = options;
    }

    /// <summary>The position of the group in <see cref="Optimizer.Groups"/>.</summary>
    public int Index { get; }

    /// <summary>The parameters of the group, in order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The learning rate the next <see cref="Optimizer.Step"/> uses for this group (PyTorch's <c>lr</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), $"The learning rate of parameter group {Index} must be a finite number >= 0; got {OptionRules.Text(value)}.");
            }

            _learningRate = value;
        }
    }

    /// <summary>
    /// The learning rate the group had when the first schedule was attached to the optimizer (PyTorch's
    /// <c>initial_lr</c>); schedules compute from it. <see langword="null"/> until then.
    /// </summary>
    public double? InitialLearningRate { get; internal set; }

    /// <summary>The indices of <see cref="Parameters"/> in <see cref="Optimizer.Parameters"/>.</summary>
    internal int[] ParameterIndices { get; }

    /// <summary>The group's other options.</summary>
    internal GroupOptions Options { get; }

    /// <summary>Sets the learning rate without the public check (values from a validated state).</summary>
    internal void SetLearningRateUnchecked(double value) => _learningRate = value;
}
