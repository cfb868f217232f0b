using System;

namespace DiffGen;

/// <summary>
/// One mini-batch produced by a <see cref="DataLoader"/>: the features and labels of <see cref="Count"/> samples.
/// Deconstructs as <c>var (inputs, labels) = batch</c>.
/// </summary>
/// <remarks>
/// The tensors belong to the loader and are reused for the next batch: read them (or copy them with
/// <see cref="Tensor.Clone"/>) before moving on, and do not write to them.
/// </remarks>
public readonly struct Batch
{
    private readonly int[] _order;
    private readonly int _start;

    internal Batch(Tensor features, Tensor labels, int index, int[] order, int start)
    {
        Features = features;
        Labels = labels;
        Index = index;
        _order = order;
        _start = start;
    }

    /// <summary>The inputs, shape <c>[Count, ...]</c>.</summary>
    public Tensor Features { get; }

    /// <summary>The labels, shape <c>[Count, ...]</c>: targets, or class indices of shape <c>[Count]</c>.</summary>
    public Tensor Labels { get; }

    /// <summary>The position of this batch in its epoch: 0, 1, 2, ...</summary>
    public int Index { get; }

    /// <summary>The number of samples in the batch: the batch size, or fewer for a last partial batch.</summary>
    public int Count => Features.Shape[0];

    /// <summary>Which samples of the dataset the batch holds, in the batch's order.</summary>
    public ReadOnlySpan<int> SampleIndices => _order is null ? ReadOnlySpan<int>.Empty : _order.AsSpan(_start, Count);

    /// <summary>Deconstructs the batch into its features and labels.</summary>
    /// <param name="features">The inputs.</param>
    /// <param name="labels">The labels.</param>
    public void Deconstruct(out Tensor features, out Tensor labels)
    {
        features = Features;
        labels = Labels;
    }

    /// <summary>Describes the batch.</summary>
    public override string ToString() => Features is null ? "Batch (empty)" : $"Batch {Index}: {Count} samples";
}
