using System;
using System.Globalization;

namespace DiffGen;

/// <summary>
/// Classification metrics over a batch: the <see cref="Trainer"/>'s built-in accuracy (given
/// <see cref="Trainer.Predict"/>), also usable in a hand-written loop.
/// </summary>
/// <remarks><code>int correct = Metrics.CountCorrect(net.Forward(inputs), labels);</code></remarks>
public static class Metrics
{
    /// <summary>
    /// Counts the samples whose predicted class, the index of the largest score in their row (the first one on a tie),
    /// equals their class index. A row that holds a NaN is counted as wrong.
    /// </summary>
    /// <param name="scores">One row of class scores per sample (logits or probabilities), shape <c>[n, classes]</c> with at least two classes.</param>
    /// <param name="classIndices">The class index of each sample, shape <c>[n]</c> or <c>[n, 1]</c>: integers in <c>[0, classes)</c>.</param>
    /// <returns>The number of correctly classified samples, from 0 to <c>n</c>.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit: scores are not <c>[n, classes ≥ 2]</c>, or the labels are not <c>[n]</c> or <c>[n, 1]</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is not an integer in <c>[0, classes)</c>.</exception>
    public static int CountCorrect(Tensor scores, Tensor classIndices)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(classIndices);
        if (scores.Rank != 2 || scores.Shape[1] < 2)
        {
            throw new ArgumentException($"CountCorrect needs scores of shape [n, classes] with at least 2 classes (one score per class); got {scores.ShapeText()}. For a single logit per sample, count (logit > 0) == label in your own CountCorrect function.", nameof(scores));
        }

        int n = scores.Shape[0];
        int classes = scores.Shape[1];
        bool labelsFit = (classIndices.Rank == 1 && classIndices.Shape[0] == n)
            || (classIndices.Rank == 2 && classIndices.Shape[0] == n && classIndices.Shape[1] == 1);
        if (!labelsFit)
        {
            throw new ArgumentException($"CountCorrect needs one class index per sample, shape [{n}] or [{n}, 1], for scores of shape {scores.ShapeText()}; got labels of shape {classIndices.ShapeText()}.", nameof(classIndices));
        }

        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            int label = Label(classIndices, i, classes);
            int predicted = scores.DType == DType.Float32
                ? ArgMax<float>(scores.Floats.Slice(i * classes, classes))
                : ArgMax<double>(scores.Doubles.Slice(i * classes, classes));
            if (predicted == label)
            {
                correct++;
            }
        }

        return correct;
    }

    /// <summary>The fraction of correctly classified samples (see <see cref="CountCorrect"/>), from 0 to 1.</summary>
    /// <param name="scores">One row of class scores per sample, shape <c>[n, classes]</c>.</param>
    /// <param name="classIndices">The class index of each sample, shape <c>[n]</c> or <c>[n, 1]</c>.</param>
    /// <returns>The accuracy; <see cref="double.NaN"/> for an empty batch.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is not an integer in <c>[0, classes)</c>.</exception>
    public static double Accuracy(Tensor scores, Tensor classIndices)
    {
        int correct = CountCorrect(scores, classIndices);
        int n = scores.Shape[0];
        return n == 0 ? double.NaN : (double)correct / n;
    }

    private static int Label(Tensor classIndices, int i, int classes)
    {
        double value = classIndices.DType == DType.Float32 ? classIndices.Floats[i] : classIndices.Doubles[i];
        if (!(value >= 0 && value < classes && value == Math.Floor(value)))
        {
            throw new ArgumentOutOfRangeException(nameof(classIndices), string.Create(CultureInfo.InvariantCulture, $"The label of sample {i} is {value:R}, which is not a class index in [0, {classes}); CountCorrect needs class-index labels."));
        }

        return (int)value;
    }

    private static int ArgMax<T>(ReadOnlySpan<T> row)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        int best = 0;
        for (int j = 0; j < row.Length; j++)
        {
            if (T.IsNaN(row[j]))
            {
                return -1;
            }

            if (row[j] > row[best])
            {
                best = j;
            }
        }

        return best;
    }
}
