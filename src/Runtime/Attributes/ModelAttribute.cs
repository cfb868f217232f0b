using System;
using System.Collections.Generic;

namespace DiffGen;

/// <summary>
/// Marks a <see langword="partial"/> class as a model: the generator finds its <see cref="Parameter"/> fields and
/// properties, arrays of them, and fields of other model types, at compile time (no reflection), and implements
/// <see cref="IModel"/>: <c>Parameters()</c>, <c>NamedParameters()</c> with stable dotted names
/// (<c>Conv1.Weight</c>), <c>ZeroGrad()</c>, and the training flag with <c>Train()</c> / <c>Eval()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ModelAttribute : Attribute
{
}

/// <summary>What a <see cref="ModelAttribute">[Model]</see> class gets generated.</summary>
public interface IModel
{
    /// <summary>Whether the model is in training mode (dropout active, batch statistics updated). Default <see langword="true"/>.</summary>
    bool Training { get; }

    /// <summary>Every parameter of the model and its sub-models, in declaration order.</summary>
    /// <returns>The parameters.</returns>
    IReadOnlyList<Parameter> Parameters();

    /// <summary>Every parameter with its dotted name (<c>Conv1.Weight</c>, <c>Layers.0.Bias</c>), in declaration order.</summary>
    /// <returns>The named parameters.</returns>
    IReadOnlyList<NamedParameter> NamedParameters();

    /// <summary>Sets every parameter's gradient to zero.</summary>
    void ZeroGrad();

    /// <summary>Switches the model and its sub-models to training mode (<paramref name="training"/> true) or evaluation mode.</summary>
    /// <param name="training">The mode.</param>
    void Train(bool training = true);

    /// <summary>Switches the model and its sub-models to evaluation mode.</summary>
    void Eval();
}
