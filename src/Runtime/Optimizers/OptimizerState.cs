using System;
using System.Collections.Generic;

namespace DiffGen;

/// <summary>
/// A snapshot of an optimizer's state (buffers, moments, step counts), as named tensors and named text values,
/// so that a resumed run continues exactly as an uninterrupted one would. Checkpoints store it next to the
/// parameters.
/// </summary>
/// <remarks>
/// Tensor names are stable and dotted (<c>state.3.exp_avg</c>); values are invariant-culture text
/// (<c>state.3.step</c> = <c>"12"</c>), which is what the safetensors header's metadata can carry.
/// </remarks>
public sealed class OptimizerState
{
    /// <summary>Creates a state from its tensors and values (neither is copied).</summary>
    /// <param name="tensors">The named tensors.</param>
    /// <param name="values">The named scalar values, as invariant-culture text.</param>
    public OptimizerState(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(values);
        Tensors = tensors;
        Values = values;
    }

    /// <summary>The named tensors (moment buffers and the like).</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The named scalar values (step counts, the optimizer's kind and options), as invariant-culture text.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }
}
