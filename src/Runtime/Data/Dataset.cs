using System;
using System.Globalization;

namespace DiffGen;

/// <summary>
/// An in-memory dataset: a features tensor and a labels tensor whose first dimension counts the same samples.
/// </summary>
/// <remarks>
/// <para>
/// <b>Features</b> have shape <c>[n, ...]</c>: <c>[n, d]</c> for tabular data, <c>[n, 784]</c> or <c>[n, 28, 28]</c>
/// for MNIST images. <b>Labels</b> have shape <c>[n, ...]</c> too, and are either regression targets
/// (<c>[n]</c> or <c>[n, k]</c>) or <b>class indices</b>: a tensor of shape <c>[n]</c> whose values are the integers
/// <c>0, 1, ..., classes-1</c>, which is what a cross-entropy loss takes.
/// </para>
/// <para>
/// Class indices given as an <see cref="int"/> array (<see cref="Dataset(Tensor, ReadOnlySpan{int})"/>) are stored the
/// same way: copied once into a labels tensor of the features' element type, so that a batch always carries its labels
/// as a <see cref="Tensor"/> and a model runs unchanged in <see cref="DType.Float32"/> or <see cref="DType.Float64"/>.
/// Integers are exact in <see cref="float"/> up to 2^24 (16,777,216 classes) and larger indices are rejected.
/// </para>
/// <para>
/// A dataset does not copy the tensors it is given; <see cref="Slice"/> and <see cref="Split(int)"/> return views that
/// share storage, <see cref="Subset"/> and <see cref="RandomSplit(int, int)"/> return copies.
/// </para>
/// </remarks>
public sealed class Dataset
{
    /// <summary>Creates a dataset of features and labels (targets or class indices) with the same number of samples.</summary>
    /// <param name="features">The inputs, shape <c>[n, ...]</c>. Not copied.</param>
    /// <param name="labels">The labels, shape <c>[n, ...]</c>: targets, or class indices of shape <c>[n]</c>. Not copied.</param>
    /// <exception cref="ArgumentException">A tensor is a scalar, or the two first dimensions differ.</exception>
    public Dataset(Tensor features, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Rank == 0)
        {
            throw new ArgumentException("The features are a scalar; they need a first dimension that counts the samples (shape [n, ...]).", nameof(features));
        }

        if (labels.Rank == 0)
        {
            throw new ArgumentException("The labels are a scalar; they need a first dimension that counts the samples (shape [n] or [n, ...]).", nameof(labels));
        }

        if (features.Shape[0] != labels.Shape[0])
        {
            throw new ArgumentException(
                $"The features have {features.Shape[0]} samples (shape {features.ShapeText()}) but the labels have {labels.Shape[0]} (shape {labels.ShapeText()}); the first dimensions must match.",
                nameof(labels));
        }

        Features = features;
        Labels = labels;
    }

    /// <summary>
    /// Creates a classification dataset from class indices: the indices are copied into a labels tensor of shape
    /// <c>[n]</c> and of the features' element type.
    /// </summary>
    /// <param name="features">The inputs, shape <c>[n, ...]</c>. Not copied.</param>
    /// <param name="classIndices">One class index per sample, each in <c>[0, 2^24]</c>.</param>
    /// <exception cref="ArgumentException">The counts differ, or the features are a scalar.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class index is negative or larger than 2^24.</exception>
    public Dataset(Tensor features, ReadOnlySpan<int> classIndices)
        : this(features, ClassIndexTensor(features, classIndices))
    {
    }

    /// <summary>The inputs, shape <c>[n, ...]</c>.</summary>
    public Tensor Features { get; }

    /// <summary>The labels, shape <c>[n, ...]</c>: targets, or class indices of shape <c>[n]</c>.</summary>
    public Tensor Labels { get; }

    /// <summary>The number of samples <c>n</c>: the first dimension of both tensors.</summary>
    public int Count => Features.Shape[0];

    /// <summary>A view of samples <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> (no copy).</summary>
    /// <param name="start">The first sample.</param>
    /// <param name="count">How many samples.</param>
    /// <returns>A dataset sharing storage with this one.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the dataset.</exception>
    public Dataset Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count)
        {
            throw new ArgumentOutOfRangeException(nameof(start), string.Create(CultureInfo.InvariantCulture, $"Slice({start}, {count}) is outside a dataset of {Count} samples."));
        }

        return new Dataset(Features.Slice(start, count), Labels.Slice(start, count));
    }

    /// <summary>A copy of the samples at <paramref name="indices"/>, in that order (an index may repeat).</summary>
    /// <param name="indices">Sample indices in <c>[0, Count)</c>.</param>
    /// <returns>A new dataset with its own storage.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the dataset.</exception>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), string.Create(CultureInfo.InvariantCulture, $"Index {indices[i]} (position {i}) is outside a dataset of {Count} samples."));
            }
        }

        var features = Tensor.Zeros(Features.DType, WithFirst(Features.Shape, indices.Length));
        var labels = Tensor.Zeros(Labels.DType, WithFirst(Labels.Shape, indices.Length));
        GatherRows(Features, indices, features);
        GatherRows(Labels, indices, labels);
        return new Dataset(features, labels);
    }

    /// <summary>
    /// Splits into the first <paramref name="trainCount"/> samples (training) and all the rest (validation), as views
    /// (no copy).
    /// </summary>
    /// <param name="trainCount">How many samples go to training, from the start.</param>
    /// <returns>The two parts.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trainCount"/> is negative or more than <see cref="Count"/>.</exception>
    public TrainValidationSplit Split(int trainCount)
    {
        if ((uint)trainCount > (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(trainCount), trainCount, $"The training part must have between 0 and {Count} samples (the dataset's size).");
        }

        return new TrainValidationSplit(Slice(0, trainCount), Slice(trainCount, Count - trainCount));
    }

    /// <summary>
    /// Splits into the first <paramref name="trainCount"/> samples (training) and the last
    /// <paramref name="validationCount"/> (validation), as views (no copy). Samples in between are in neither part;
    /// the parts never overlap. MNIST's 10,000 test images split 8,000 / 2,000 this way.
    /// </summary>
    /// <param name="trainCount">How many samples go to training, from the start.</param>
    /// <param name="validationCount">How many samples go to validation, from the end.</param>
    /// <returns>The two parts.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or the two add up to more than <see cref="Count"/>.</exception>
    public TrainValidationSplit Split(int trainCount, int validationCount)
    {
        if (trainCount < 0 || validationCount < 0 || (long)trainCount + validationCount > Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(validationCount),
                string.Create(CultureInfo.InvariantCulture, $"Split({trainCount}, {validationCount}): both counts must be non-negative and add up to at most {Count} (the dataset's size)."));
        }

        return new TrainValidationSplit(Slice(0, trainCount), Slice(Count - validationCount, validationCount));
    }

    /// <summary>
    /// Splits at random, with a seed: <paramref name="validationCount"/> samples chosen uniformly go to validation,
    /// the others to training. Both parts are copies and keep the dataset's order within them. The same seed gives the
    /// same split.
    /// </summary>
    /// <param name="validationCount">How many samples go to validation.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The two parts.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationCount"/> is negative or more than <see cref="Count"/>.</exception>
    public TrainValidationSplit RandomSplit(int validationCount, int seed)
    {
        if ((uint)validationCount > (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(validationCount), validationCount, $"The validation part must have between 0 and {Count} samples (the dataset's size).");
        }

        int[] order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var random = new SeededRandom(seed, RandomStreams.Split);
        random.Shuffle(order);
        Span<int> validation = order.AsSpan(0, validationCount);
        Span<int> train = order.AsSpan(validationCount);
        validation.Sort();
        train.Sort();
        return new TrainValidationSplit(Subset(train), Subset(validation));
    }

    /// <summary>
    /// Splits at random, with a seed, sending a fraction of the samples (rounded to the nearest count) to validation.
    /// See <see cref="RandomSplit(int, int)"/>.
    /// </summary>
    /// <param name="validationFraction">The fraction of samples for validation, in <c>[0, 1]</c>.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The two parts.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is outside <c>[0, 1]</c>.</exception>
    public TrainValidationSplit RandomSplit(double validationFraction, int seed)
    {
        if (!(validationFraction >= 0 && validationFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be between 0 and 1.");
        }

        return RandomSplit((int)Math.Round(validationFraction * Count, MidpointRounding.AwayFromZero), seed);
    }

    /// <summary>Describes the dataset's size and shapes.</summary>
    public override string ToString() => $"Dataset of {Count} samples: features {Features.DType} {Features.ShapeText()}, labels {Labels.DType} {Labels.ShapeText()}";

    internal static int[] WithFirst(ReadOnlySpan<int> shape, int first)
    {
        int[] copy = shape.ToArray();
        copy[0] = first;
        return copy;
    }

    /// <summary>Copies rows <paramref name="indices"/> of <paramref name="source"/> into consecutive rows of <paramref name="destination"/>.</summary>
    internal static void GatherRows(Tensor source, ReadOnlySpan<int> indices, Tensor destination)
    {
        int rows = source.Shape[0];
        int rowLength = rows == 0 ? 0 : source.Length / rows;
        if (source.DType == DType.Float32)
        {
            Span<float> from = source.Floats;
            Span<float> to = destination.Floats;
            for (int i = 0; i < indices.Length; i++)
            {
                from.Slice(indices[i] * rowLength, rowLength).CopyTo(to.Slice(i * rowLength, rowLength));
            }
        }
        else
        {
            Span<double> from = source.Doubles;
            Span<double> to = destination.Doubles;
            for (int i = 0; i < indices.Length; i++)
            {
                from.Slice(indices[i] * rowLength, rowLength).CopyTo(to.Slice(i * rowLength, rowLength));
            }
        }
    }

    private static Tensor ClassIndexTensor(Tensor features, ReadOnlySpan<int> classIndices)
    {
        ArgumentNullException.ThrowIfNull(features);
        const int largestExact = 1 << 24;
        var labels = Tensor.Zeros(features.DType, classIndices.Length);
        for (int i = 0; i < classIndices.Length; i++)
        {
            int index = classIndices[i];
            if ((uint)index > largestExact)
            {
                throw new ArgumentOutOfRangeException(nameof(classIndices), index, string.Create(CultureInfo.InvariantCulture, $"Class index {index} of sample {i} is outside [0, {largestExact}]; class indices are non-negative and exact in float32 up to 2^24."));
            }

            labels[i] = index;
        }

        return labels;
    }
}

/// <summary>A dataset split into a training part and a validation part.</summary>
/// <param name="Train">The samples to train on.</param>
/// <param name="Validation">The samples to evaluate on.</param>
public readonly record struct TrainValidationSplit(Dataset Train, Dataset Validation);

/// <summary>The stream numbers that keep the data pipeline's random draws independent for one seed.</summary>
internal static class RandomStreams
{
    /// <summary><see cref="Dataset.RandomSplit(int, int)"/>.</summary>
    public const long Split = -1;

    /// <summary>The synthetic datasets.</summary>
    public const long Synthetic = -2;

    /// <summary>The initialisers of <see cref="Init"/>.</summary>
    public const long Init = -3;

    // The DataLoader's shuffles use the epoch number (0, 1, 2, ...) as the stream.
}
