namespace DiffGen;

/// <summary>Which fan the Kaiming initialisers of <see cref="Init"/> scale by (PyTorch's <c>mode</c>).</summary>
public enum FanMode
{
    /// <summary>The fan-in: keeps the variance of the activations in the forward pass. The default.</summary>
    FanIn,

    /// <summary>The fan-out: keeps the variance of the gradients in the backward pass.</summary>
    FanOut,
}
