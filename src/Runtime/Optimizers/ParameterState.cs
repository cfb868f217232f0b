using System;

namespace DiffGen;

/// <summary>The state an optimizer keeps for one parameter: its step count, buffers and (NAdam) a running product.</summary>
internal sealed class ParameterState
{
    public ParameterState(int bufferCount) => Buffers = new Tensor?[bufferCount];

    /// <summary>How many updates this parameter has had (PyTorch's <c>state['step']</c>).</summary>
    public long Step { get; set; }

    /// <summary>The product of NAdam's momentum coefficients (<c>mu_product</c>); 1 for the others.</summary>
    public double MuProduct { get; set; } = 1;

    /// <summary>The buffers, by the optimizer's buffer index; <see langword="null"/> where the options do not use one.</summary>
    public Tensor?[] Buffers { get; }

    /// <summary>Buffer <paramref name="index"/> as a span, or an empty span if it is not used.</summary>
    public Span<T> Buffer<T>(int index)
        where T : unmanaged
        => Buffers[index] is { } tensor ? tensor.AsSpan<T>() : default;
}
