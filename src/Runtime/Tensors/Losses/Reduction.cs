namespace DiffGen;

/// <summary>How a loss of <see cref="Losses"/> combines the losses of the individual elements or samples into one number.</summary>
/// <remarks>
/// PyTorch's <c>reduction='none'</c> has no counterpart: every loss of <see cref="Losses"/> returns a scalar.
/// </remarks>
public enum Reduction
{
    /// <summary>The average: over the elements for element-wise losses, over the samples (rows) for class losses. The default.</summary>
    Mean,

    /// <summary>The sum.</summary>
    Sum,
}
