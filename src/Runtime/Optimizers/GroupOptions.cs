using System.Collections.Generic;

namespace DiffGen;

/// <summary>
/// The options of one parameter group other than its learning rate, resolved and checked: one sealed subclass per
/// optimizer, immutable.
/// </summary>
internal abstract class GroupOptions
{
    /// <summary>The PyTorch names of the options a <see cref="ParameterGroup"/> may override (besides <c>lr</c>).</summary>
    public abstract IReadOnlyList<string> Names { get; }

    /// <summary>These options with the group's overrides applied, checked.</summary>
    /// <param name="group">The group.</param>
    /// <param name="index">Its index, for messages.</param>
    public abstract GroupOptions Override(ParameterGroup group, int index);

    /// <summary>Writes the options as PyTorch-named, invariant text values under <paramref name="prefix"/>.</summary>
    public abstract void Write(IDictionary<string, string> values, string prefix);

    /// <summary>Whether the state buffer of index <paramref name="buffer"/> (in the optimizer's buffer names) is used.</summary>
    public abstract bool UsesBuffer(int buffer);
}
