using System;
using System.Collections;
using System.Collections.Generic;

namespace DiffGen;

/// <summary>
/// Cuts an in-memory <see cref="DiffGen.Dataset"/> into mini-batches, reshuffled every epoch with a seed.
/// Each <c>foreach</c> over the loader is one epoch.
/// </summary>
/// <remarks>
/// <para>
/// The batch size chooses the gradient-descent variant, with the same training loop:
/// <list type="bullet">
/// <item><description><b>Stochastic gradient descent</b>: <c>batchSize: 1</c>, one sample per update.</description></item>
/// <item><description><b>Mini-batch gradient descent</b>: anything between, typically 32 to 512 samples per update, shuffled every epoch.</description></item>
/// <item><description><b>Batch gradient descent</b>: <c>batchSize: dataset.Count</c>, the whole dataset per update, one update per epoch.</description></item>
/// </list>
/// A last, smaller batch (when the batch size does not divide the dataset) is kept unless <c>dropLast</c> is set.
/// </para>
/// <para>
/// <b>Shuffling.</b> With <c>shuffle: true</c> the order of epoch <c>e</c> is a random permutation that depends only
/// on the seed and on <c>e</c>: the same seed gives the same order, bit for bit, on every machine and .NET version, and
/// a resumed run that sets <see cref="Epoch"/> sees the order an uninterrupted run would have seen.
/// </para>
/// <para>
/// <b>Buffers.</b> The loader copies each batch into two buffers (features and labels) allocated once, at
/// construction, and reused for every batch of every epoch: enumerating an epoch allocates nothing that grows with the
/// number of batches. A batch's tensors are therefore only valid until the next batch is produced; do not write to them.
/// The one exception to copying: when the whole dataset is a single batch and shuffling is off, the batch is the
/// dataset's own tensors.
/// </para>
/// <para>
/// A loader is not thread-safe, and one enumeration at a time is allowed: starting a new epoch invalidates the
/// enumerator of the previous one (its next <c>MoveNext</c> throws <see cref="InvalidOperationException"/>).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var loader = new DataLoader(train, batchSize: 64, shuffle: true, seed: 1);
/// for (int epoch = 0; epoch &lt; 10; epoch++)
/// {
///     foreach (var (inputs, labels) in loader)
///     {
///         optimizer.ZeroGrad();
///         float loss = net.LossWithGradient(inputs, labels);
///         optimizer.Step();
///     }
/// }
/// </code>
/// </example>
public sealed class DataLoader : IEnumerable<Batch>
{
    private readonly Tensor _featureBuffer;
    private readonly Tensor _labelBuffer;
    private readonly Tensor? _partialFeatures;
    private readonly Tensor? _partialLabels;
    private readonly int[] _order;
    private readonly bool _singleBatchInOrder;
    private int _epoch;
    private int _generation;

    /// <summary>Creates a loader over a dataset.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch: 1 for stochastic GD, <c>dataset.Count</c> for batch GD, anything between for mini-batch GD. A size larger than the dataset gives one batch of the whole dataset.</param>
    /// <param name="shuffle">Whether every epoch visits the samples in a new random order. Default <see langword="false"/>.</param>
    /// <param name="seed">The seed of the shuffles. Default 0.</param>
    /// <param name="dropLast">Whether a last batch smaller than <paramref name="batchSize"/> is left out. Default <see langword="false"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException">The dataset is empty, or <paramref name="dropLast"/> would leave no batch at all.</exception>
    public DataLoader(Dataset dataset, int batchSize, bool shuffle = false, int seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1 (1 = stochastic gradient descent, the dataset's size = batch gradient descent).");
        }

        int count = dataset.Count;
        if (count == 0)
        {
            throw new ArgumentException("The dataset has no samples; a data loader needs at least one.", nameof(dataset));
        }

        if (dropLast && batchSize > count)
        {
            throw new ArgumentException($"With dropLast, a batch size of {batchSize} leaves no batch at all from a dataset of {count} samples.", nameof(dropLast));
        }

        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;

        int bufferRows = Math.Min(batchSize, count);
        int remainder = count % batchSize;
        int fullBatches = count / batchSize;
        Count = fullBatches + (remainder > 0 && !dropLast ? 1 : 0);
        SamplesPerEpoch = dropLast ? fullBatches * batchSize : count;

        _order = new int[count];
        ResetOrder();
        _singleBatchInOrder = !shuffle && bufferRows == count;
        if (_singleBatchInOrder)
        {
            _featureBuffer = dataset.Features;
            _labelBuffer = dataset.Labels;
        }
        else
        {
            _featureBuffer = Tensor.Zeros(dataset.Features.DType, Dataset.WithFirst(dataset.Features.Shape, bufferRows));
            _labelBuffer = Tensor.Zeros(dataset.Labels.DType, Dataset.WithFirst(dataset.Labels.Shape, bufferRows));
            if (remainder > 0 && !dropLast && fullBatches > 0)
            {
                _partialFeatures = _featureBuffer.Slice(0, remainder);
                _partialLabels = _labelBuffer.Slice(0, remainder);
            }
        }
    }

    /// <summary>Creates a loader over features and labels (targets, or class indices of shape <c>[n]</c>); see <see cref="DiffGen.Dataset.Dataset(Tensor, Tensor)"/>.</summary>
    /// <param name="features">The inputs, shape <c>[n, ...]</c>.</param>
    /// <param name="labels">The labels, shape <c>[n, ...]</c>.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Whether every epoch visits the samples in a new random order.</param>
    /// <param name="seed">The seed of the shuffles.</param>
    /// <param name="dropLast">Whether a last batch smaller than <paramref name="batchSize"/> is left out.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException">The sample counts differ, or there are no samples.</exception>
    public DataLoader(Tensor features, Tensor labels, int batchSize, bool shuffle = false, int seed = 0, bool dropLast = false)
        : this(new Dataset(features, labels), batchSize, shuffle, seed, dropLast)
    {
    }

    /// <summary>
    /// Creates a loader over features and class indices; the indices are copied once into a labels tensor (see
    /// <see cref="DiffGen.Dataset.Dataset(Tensor, ReadOnlySpan{int})"/>).
    /// </summary>
    /// <param name="features">The inputs, shape <c>[n, ...]</c>.</param>
    /// <param name="classIndices">One class index per sample.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Whether every epoch visits the samples in a new random order.</param>
    /// <param name="seed">The seed of the shuffles.</param>
    /// <param name="dropLast">Whether a last batch smaller than <paramref name="batchSize"/> is left out.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is zero or negative, or a class index is negative.</exception>
    /// <exception cref="ArgumentException">The sample counts differ, or there are no samples.</exception>
    public DataLoader(Tensor features, int[] classIndices, int batchSize, bool shuffle = false, int seed = 0, bool dropLast = false)
        : this(new Dataset(features, (classIndices ?? throw new ArgumentNullException(nameof(classIndices))).AsSpan()), batchSize, shuffle, seed, dropLast)
    {
    }

    /// <summary>The samples.</summary>
    public Dataset Dataset { get; }

    /// <summary>The number of samples per batch (the last batch may have fewer unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }

    /// <summary>Whether every epoch visits the samples in a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed of the shuffles.</summary>
    public int Seed { get; }

    /// <summary>Whether a last batch smaller than <see cref="BatchSize"/> is left out.</summary>
    public bool DropLast { get; }

    /// <summary>The number of batches (parameter updates) per epoch.</summary>
    public int Count { get; }

    /// <summary>The number of samples an epoch visits: the dataset's size, less the dropped ones with <see cref="DropLast"/>.</summary>
    public int SamplesPerEpoch { get; }

    /// <summary>
    /// The number of the epoch that the next enumeration produces: 0 at first, one more after each
    /// <see cref="GetEnumerator"/>. Set it to resume a run: epoch <c>e</c> always has the same order for the same seed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int Epoch
    {
        get => _epoch;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _epoch = value;
        }
    }

    /// <summary>
    /// Starts the next epoch (number <see cref="Epoch"/>, which then advances): shuffles if asked, and returns an
    /// enumerator of its batches. It is a struct, so <c>foreach</c> allocates nothing.
    /// </summary>
    /// <returns>The epoch's batches.</returns>
    public Enumerator GetEnumerator()
    {
        int epoch = _epoch;
        _epoch = epoch == int.MaxValue ? epoch : epoch + 1;
        _generation++;
        if (Shuffle)
        {
            ResetOrder();
            var random = new SeededRandom(Seed, epoch);
            random.Shuffle(_order);
        }

        return new Enumerator(this, _generation);
    }

    IEnumerator<Batch> IEnumerable<Batch>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Describes the loader.</summary>
    public override string ToString() =>
        $"DataLoader: {Dataset.Count} samples, {Count} batches of {BatchSize}{(Shuffle ? $", shuffled (seed {Seed})" : string.Empty)}{(DropLast ? ", last partial batch dropped" : string.Empty)}";

    private void ResetOrder()
    {
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }
    }

    private Batch Produce(int index)
    {
        int start = index * BatchSize;
        int rows = Math.Min(BatchSize, _order.Length - start);
        if (_singleBatchInOrder)
        {
            return new Batch(_featureBuffer, _labelBuffer, index, _order, start);
        }

        Tensor features = rows == _featureBuffer.Shape[0] ? _featureBuffer : _partialFeatures!;
        Tensor labels = rows == _labelBuffer.Shape[0] ? _labelBuffer : _partialLabels!;
        if (Shuffle)
        {
            ReadOnlySpan<int> indices = _order.AsSpan(start, rows);
            Dataset.GatherRows(Dataset.Features, indices, features);
            Dataset.GatherRows(Dataset.Labels, indices, labels);
        }
        else
        {
            CopyRows(Dataset.Features, start, features);
            CopyRows(Dataset.Labels, start, labels);
        }

        return new Batch(features, labels, index, _order, start);
    }

    private static void CopyRows(Tensor source, int start, Tensor destination)
    {
        int rowLength = source.Length / source.Shape[0];
        if (source.DType == DType.Float32)
        {
            source.Floats.Slice(start * rowLength, destination.Length).CopyTo(destination.Floats);
        }
        else
        {
            source.Doubles.Slice(start * rowLength, destination.Length).CopyTo(destination.Doubles);
        }
    }

    /// <summary>Enumerates the batches of one epoch. Obtained from <see cref="GetEnumerator"/>.</summary>
    public struct Enumerator : IEnumerator<Batch>
    {
        private readonly DataLoader _loader;
        private readonly int _generation;
        private int _next;
        private Batch _current;

        internal Enumerator(DataLoader loader, int generation)
        {
            _loader = loader;
            _generation = generation;
            _next = 0;
            _current = default;
        }

        /// <summary>The current batch.</summary>
        public readonly Batch Current => _current;

        readonly object IEnumerator.Current => _current;

        /// <summary>Fills the buffers with the next batch.</summary>
        /// <returns><see langword="false"/> after the last batch of the epoch.</returns>
        /// <exception cref="InvalidOperationException">Another epoch of the same loader was started since this one.</exception>
        public bool MoveNext()
        {
            if (_loader is null)
            {
                return false;
            }

            if (_generation != _loader._generation)
            {
                throw new InvalidOperationException("Another epoch of this DataLoader was started while this one was being enumerated; batches share the loader's buffers, so one enumeration at a time is allowed.");
            }

            if (_next >= _loader.Count)
            {
                return false;
            }

            _current = _loader.Produce(_next);
            _next++;
            return true;
        }

        /// <summary>Not supported: start a new epoch with <see cref="DataLoader.GetEnumerator"/>.</summary>
        /// <exception cref="NotSupportedException">Always.</exception>
        readonly void IEnumerator.Reset() => throw new NotSupportedException("Start a new epoch with DataLoader.GetEnumerator() instead.");

        /// <summary>Does nothing; there is nothing to release.</summary>
        public readonly void Dispose()
        {
        }
    }
}
