using System;
using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

public static partial class Losses
{
    /// <summary>
    /// Cross-entropy of logits and class indices (PyTorch's <c>cross_entropy</c>): for each sample <c>n</c>,
    /// <c>-log softmax(input[n])[targets[n]]</c>, computed as <c>logsumexp(input[n]) - input[n, targets[n]]</c>
    /// with the row maximum subtracted first, so large logits neither overflow nor lose the small probabilities.
    /// </summary>
    /// <param name="input">The logits, shape <c>[N, C]</c> (N samples, C classes); not normalised.</param>
    /// <param name="targets">The class of each sample, N values in <c>[0, C)</c>; gets no gradient.</param>
    /// <param name="reduction"><see cref="Reduction.Mean"/> (over the N samples) or <see cref="Reduction.Sum"/>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="input"/> is not of rank 2, the number of targets is not N, or a target is outside <c>[0, C)</c>.
    /// </exception>
    public static double CrossEntropy(Tensor input, [NoDiff] int[] targets, Reduction reduction = Reduction.Mean)
    {
        var classes = CheckClassTargets(nameof(CrossEntropy), input, targets);
        CheckReduction(nameof(CrossEntropy), reduction);
        return CrossEntropy(input, classes, reduction);
    }

    /// <summary>The backward rule of <see cref="CrossEntropy(Tensor, int[], Reduction)"/>: adds <c>gradient · (softmax(input) - onehot(targets))</c> (divided by N for <see cref="Reduction.Mean"/>) into <paramref name="dinput"/>.</summary>
    /// <param name="gradient">The upstream gradient of the loss.</param>
    /// <param name="result">The loss.</param>
    /// <param name="input">The logits, <c>[N, C]</c>.</param>
    /// <param name="targets">The class of each sample.</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="dinput">The gradient of <paramref name="input"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(CrossEntropy))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void CrossEntropyBackward(double gradient, double result, Tensor input, [NoDiff] int[] targets, Reduction reduction, Tensor? dinput)
    {
        var classes = CheckClassTargets(nameof(CrossEntropyBackward), input, targets);
        CheckReduction(nameof(CrossEntropyBackward), reduction);
        CrossEntropyBackward(nameof(CrossEntropyBackward), gradient, input, classes, reduction, dinput);
    }

    /// <summary>
    /// Cross-entropy of logits and a target tensor, which holds either class indices or class probabilities, as in
    /// PyTorch's <c>cross_entropy</c>:
    /// <list type="bullet">
    /// <item>target of shape <c>[N]</c>: the class index of each sample (a whole number in <c>[0, C)</c>, stored as a
    /// floating-point value, as <see cref="Batch.Labels"/> holds it); the loss is that of
    /// <see cref="CrossEntropy(Tensor, int[], Reduction)"/>;</item>
    /// <item>target of shape <c>[N, C]</c>: class probabilities (soft labels); the loss of sample <c>n</c> is
    /// <c>-Σ_c target[n, c] · log softmax(input[n])[c]</c>, with terms whose target is 0 left out.</item>
    /// </list>
    /// The log-softmax is computed stably (the row maximum is subtracted first).
    /// </summary>
    /// <param name="input">The logits, shape <c>[N, C]</c>.</param>
    /// <param name="target">Class indices <c>[N]</c> or probabilities <c>[N, C]</c>; gets no gradient.</param>
    /// <param name="reduction"><see cref="Reduction.Mean"/> (over the N samples, also for probabilities) or <see cref="Reduction.Sum"/>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="input"/> is not of rank 2, <paramref name="target"/> has neither shape, or a class index is
    /// not a whole number in <c>[0, C)</c>.
    /// </exception>
    public static double CrossEntropy(Tensor input, [NoDiff] Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckReduction(nameof(CrossEntropy), reduction);
        if (IsProbabilityTarget(nameof(CrossEntropy), input, target))
        {
            return input.DType == DType.Float32
                ? SoftCrossEntropySum(input.Floats, input.Size(1), new Values(target)) * ReductionScale(reduction, input.Size(0))
                : SoftCrossEntropySum(input.Doubles, input.Size(1), new Values(target)) * ReductionScale(reduction, input.Size(0));
        }

        var classes = CheckClassTargets(nameof(CrossEntropy), input, target);
        return CrossEntropy(input, classes, reduction);
    }

    /// <summary>
    /// The backward rule of <see cref="CrossEntropy(Tensor, Tensor, Reduction)"/>: adds
    /// <c>gradient · (softmax(input) · Σ_c target[n, c] - target)</c> for probabilities, or
    /// <c>gradient · (softmax(input) - onehot(target))</c> for class indices (divided by N for
    /// <see cref="Reduction.Mean"/>) into <paramref name="dinput"/>.
    /// </summary>
    /// <param name="gradient">The upstream gradient of the loss.</param>
    /// <param name="result">The loss.</param>
    /// <param name="input">The logits, <c>[N, C]</c>.</param>
    /// <param name="target">Class indices <c>[N]</c> or probabilities <c>[N, C]</c>.</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="dinput">The gradient of <paramref name="input"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(CrossEntropy))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void CrossEntropyBackward(double gradient, double result, Tensor input, [NoDiff] Tensor target, Reduction reduction, Tensor? dinput)
    {
        const string name = nameof(CrossEntropyBackward);
        CheckReduction(name, reduction);
        if (IsProbabilityTarget(name, input, target))
        {
            if (dinput is null)
            {
                return;
            }

            CheckGradient(name, nameof(dinput), input, dinput);
            double scale = gradient * ReductionScale(reduction, input.Size(0));
            if (input.DType == DType.Float32)
            {
                SoftCrossEntropyAdd(input.Floats, dinput.Floats, input.Size(1), new Values(target), scale);
            }
            else
            {
                SoftCrossEntropyAdd(input.Doubles, dinput.Doubles, input.Size(1), new Values(target), scale);
            }

            return;
        }

        var classes = CheckClassTargets(name, input, target);
        CrossEntropyBackward(name, gradient, input, classes, reduction, dinput);
    }

    /// <summary>
    /// The negative log-likelihood of log-probabilities and class indices (PyTorch's <c>nll_loss</c>): the reduction
    /// of <c>-input[n, targets[n]]</c> over the samples. <c>Nll(LogSoftmax(logits), targets)</c> equals
    /// <see cref="CrossEntropy(Tensor, int[], Reduction)"/>, which is faster and more accurate.
    /// </summary>
    /// <param name="input">Log-probabilities, shape <c>[N, C]</c>.</param>
    /// <param name="targets">The class of each sample, N values in <c>[0, C)</c>; gets no gradient.</param>
    /// <param name="reduction"><see cref="Reduction.Mean"/> (over the N samples) or <see cref="Reduction.Sum"/>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="input"/> is not of rank 2, the number of targets is not N, or a target is outside <c>[0, C)</c>.
    /// </exception>
    public static double Nll(Tensor input, [NoDiff] int[] targets, Reduction reduction = Reduction.Mean)
    {
        var classes = CheckClassTargets(nameof(Nll), input, targets);
        CheckReduction(nameof(Nll), reduction);
        return Nll(input, classes, reduction);
    }

    /// <summary>The backward rule of <see cref="Nll(Tensor, int[], Reduction)"/>: subtracts <c>gradient</c> (divided by N for <see cref="Reduction.Mean"/>) from <c>dinput[n, targets[n]]</c>.</summary>
    /// <param name="gradient">The upstream gradient of the loss.</param>
    /// <param name="result">The loss.</param>
    /// <param name="input">The log-probabilities, <c>[N, C]</c>.</param>
    /// <param name="targets">The class of each sample.</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="dinput">The gradient of <paramref name="input"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Nll))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void NllBackward(double gradient, double result, Tensor input, [NoDiff] int[] targets, Reduction reduction, Tensor? dinput)
    {
        var classes = CheckClassTargets(nameof(NllBackward), input, targets);
        CheckReduction(nameof(NllBackward), reduction);
        NllBackward(nameof(NllBackward), gradient, input, classes, reduction, dinput);
    }

    /// <summary>
    /// The negative log-likelihood of log-probabilities and class indices held in a tensor of shape <c>[N]</c>
    /// (whole numbers in <c>[0, C)</c>, as <see cref="Batch.Labels"/> holds them); otherwise as
    /// <see cref="Nll(Tensor, int[], Reduction)"/>.
    /// </summary>
    /// <param name="input">Log-probabilities, shape <c>[N, C]</c>.</param>
    /// <param name="targets">The class of each sample, shape <c>[N]</c>; gets no gradient.</param>
    /// <param name="reduction"><see cref="Reduction.Mean"/> (over the N samples) or <see cref="Reduction.Sum"/>.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="input"/> is not of rank 2, <paramref name="targets"/> is not of shape <c>[N]</c>, or a target
    /// is not a whole number in <c>[0, C)</c>.
    /// </exception>
    public static double Nll(Tensor input, [NoDiff] Tensor targets, Reduction reduction = Reduction.Mean)
    {
        var classes = CheckClassTargets(nameof(Nll), input, targets);
        CheckReduction(nameof(Nll), reduction);
        return Nll(input, classes, reduction);
    }

    /// <summary>The backward rule of <see cref="Nll(Tensor, Tensor, Reduction)"/>: subtracts <c>gradient</c> (divided by N for <see cref="Reduction.Mean"/>) from <c>dinput[n, targets[n]]</c>.</summary>
    /// <param name="gradient">The upstream gradient of the loss.</param>
    /// <param name="result">The loss.</param>
    /// <param name="input">The log-probabilities, <c>[N, C]</c>.</param>
    /// <param name="targets">The class of each sample, <c>[N]</c>.</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="dinput">The gradient of <paramref name="input"/> to add into, or <see langword="null"/>.</param>
    [DerivativeOf(nameof(Nll))]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void NllBackward(double gradient, double result, Tensor input, [NoDiff] Tensor targets, Reduction reduction, Tensor? dinput)
    {
        var classes = CheckClassTargets(nameof(NllBackward), input, targets);
        CheckReduction(nameof(NllBackward), reduction);
        NllBackward(nameof(NllBackward), gradient, input, classes, reduction, dinput);
    }

    /// <summary>The class index of each sample, from an <see cref="int"/> array or a tensor; checked by <see cref="CheckClassTargets(string, Tensor, ClassTargets)"/>.</summary>
    private readonly ref struct ClassTargets
    {
        private readonly ReadOnlySpan<int> _indices;
        private readonly Values _values;
        private readonly bool _fromTensor;

        public ClassTargets(int[] indices)
        {
            _indices = indices;
            Count = indices.Length;
        }

        public ClassTargets(Tensor labels)
        {
            _values = new Values(labels);
            _fromTensor = true;
            Count = labels.Length;
        }

        public int Count { get; }

        public int this[int sample] => _fromTensor ? (int)_values[sample] : _indices[sample];

        /// <summary>The target as given (a tensor's value may not be a whole number).</summary>
        public double Raw(int sample) => _fromTensor ? _values[sample] : _indices[sample];
    }

    private static ClassTargets CheckClassTargets(string loss, Tensor input, int[] targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return CheckClassTargets(loss, input, new ClassTargets(targets));
    }

    private static ClassTargets CheckClassTargets(string loss, Tensor input, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        CheckClassInput(loss, input);
        if (targets.Rank != 1)
        {
            throw new ArgumentException($"{loss}: the class indices have shape {targets.ShapeText()}; for input of shape {input.ShapeText()} they must have shape [{input.Size(0).ToString(CultureInfo.InvariantCulture)}].", nameof(targets));
        }

        return CheckClassTargets(loss, input, new ClassTargets(targets));
    }

    private static ClassTargets CheckClassTargets(string loss, Tensor input, ClassTargets targets)
    {
        CheckClassInput(loss, input);
        int samples = input.Size(0);
        int classes = input.Size(1);
        if (targets.Count != samples)
        {
            throw new ArgumentException($"{loss}: {targets.Count} class indices for input of shape {input.ShapeText()}; there must be one per sample ({samples}).", nameof(targets));
        }

        for (int n = 0; n < samples; n++)
        {
            double target = targets.Raw(n);
            if (!(target >= 0 && target < classes))
            {
                throw new ArgumentException($"{loss}: target {target.ToString(CultureInfo.InvariantCulture)} of sample {n} is outside the classes [0, {classes}) of input of shape {input.ShapeText()}.", nameof(targets));
            }

            if (target != Math.Floor(target))
            {
                throw new ArgumentException($"{loss}: target {target.ToString(CultureInfo.InvariantCulture)} of sample {n} is not a class index (a whole number).", nameof(targets));
            }
        }

        return targets;
    }

    private static void CheckClassInput(string loss, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 2)
        {
            throw new ArgumentException($"{loss}: input has shape {input.ShapeText()}; it must have shape [N, C] (N samples, C classes).", nameof(input));
        }

        if (input.Size(1) == 0 && input.Size(0) > 0)
        {
            throw new ArgumentException($"{loss}: input has shape {input.ShapeText()}; there must be at least one class.", nameof(input));
        }
    }

    /// <summary>Whether a cross-entropy target holds probabilities (<c>[N, C]</c>, checked) rather than class indices (<c>[N]</c>, checked later).</summary>
    private static bool IsProbabilityTarget(string loss, Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(target);
        CheckClassInput(loss, input);
        if (target.Rank == 1)
        {
            return false;
        }

        if (!target.SameShape(input))
        {
            throw new ArgumentException($"{loss}: target has shape {target.ShapeText()}; for input of shape {input.ShapeText()} it must be [{input.Size(0).ToString(CultureInfo.InvariantCulture)}] (class indices) or {input.ShapeText()} (class probabilities).", nameof(target));
        }

        return true;
    }

    private static double CrossEntropy(Tensor input, ClassTargets targets, Reduction reduction)
    {
        double sum = input.DType == DType.Float32
            ? CrossEntropySum(input.Floats, input.Size(1), targets)
            : CrossEntropySum(input.Doubles, input.Size(1), targets);
        return sum * ReductionScale(reduction, input.Size(0));
    }

    private static void CrossEntropyBackward(string name, double gradient, Tensor input, ClassTargets targets, Reduction reduction, Tensor? dinput)
    {
        if (dinput is null)
        {
            return;
        }

        CheckGradient(name, nameof(dinput), input, dinput);
        double scale = gradient * ReductionScale(reduction, input.Size(0));
        if (input.DType == DType.Float32)
        {
            CrossEntropyAdd(input.Floats, dinput.Floats, input.Size(1), targets, scale);
        }
        else
        {
            CrossEntropyAdd(input.Doubles, dinput.Doubles, input.Size(1), targets, scale);
        }
    }

    private static double Nll(Tensor input, ClassTargets targets, Reduction reduction)
    {
        var x = new Values(input);
        int classes = input.Size(1);
        double sum = 0;
        for (int n = 0; n < targets.Count; n++)
        {
            sum -= x[n * classes + targets[n]];
        }

        return sum * ReductionScale(reduction, input.Size(0));
    }

    private static void NllBackward(string name, double gradient, Tensor input, ClassTargets targets, Reduction reduction, Tensor? dinput)
    {
        if (dinput is null)
        {
            return;
        }

        CheckGradient(name, nameof(dinput), input, dinput);
        double scale = gradient * ReductionScale(reduction, input.Size(0));
        int classes = input.Size(1);
        for (int n = 0; n < targets.Count; n++)
        {
            int at = n * classes + targets[n];
            if (dinput.DType == DType.Float32)
            {
                dinput.Floats[at] -= (float)scale;
            }
            else
            {
                dinput.Doubles[at] -= scale;
            }
        }
    }

    /// <summary><c>log Σ exp(row)</c>, with the maximum subtracted before the exponentials.</summary>
    private static double LogSumExp<T>(ReadOnlySpan<T> row)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double max = double.CreateTruncating(TensorPrimitives.Max(row));
        if (double.IsInfinity(max))
        {
            return max;
        }

        double sum = 0;
        foreach (T value in row)
        {
            sum += Math.Exp(double.CreateTruncating(value) - max);
        }

        return max + Math.Log(sum);
    }

    private static double CrossEntropySum<T>(ReadOnlySpan<T> logits, int classes, ClassTargets targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        for (int n = 0; n < targets.Count; n++)
        {
            var row = logits.Slice(n * classes, classes);
            sum += LogSumExp(row) - double.CreateTruncating(row[targets[n]]);
        }

        return sum;
    }

    private static void CrossEntropyAdd<T>(ReadOnlySpan<T> logits, Span<T> gradient, int classes, ClassTargets targets, double scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n < targets.Count; n++)
        {
            var row = logits.Slice(n * classes, classes);
            var grow = gradient.Slice(n * classes, classes);
            double logSum = LogSumExp(row);
            int target = targets[n];
            for (int c = 0; c < classes; c++)
            {
                double probability = Math.Exp(double.CreateTruncating(row[c]) - logSum);
                grow[c] += T.CreateTruncating(scale * (c == target ? probability - 1 : probability));
            }
        }
    }

    private static double SoftCrossEntropySum<T>(ReadOnlySpan<T> logits, int classes, Values target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        int samples = classes == 0 ? 0 : logits.Length / classes;
        for (int n = 0; n < samples; n++)
        {
            var row = logits.Slice(n * classes, classes);
            double logSum = LogSumExp(row);
            for (int c = 0; c < classes; c++)
            {
                double weight = target[n * classes + c];
                if (weight != 0)
                {
                    sum += weight * (logSum - double.CreateTruncating(row[c]));
                }
            }
        }

        return sum;
    }

    private static void SoftCrossEntropyAdd<T>(ReadOnlySpan<T> logits, Span<T> gradient, int classes, Values target, double scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int samples = classes == 0 ? 0 : logits.Length / classes;
        for (int n = 0; n < samples; n++)
        {
            var row = logits.Slice(n * classes, classes);
            var grow = gradient.Slice(n * classes, classes);
            double logSum = LogSumExp(row);
            double total = 0;
            for (int c = 0; c < classes; c++)
            {
                total += target[n * classes + c];
            }

            for (int c = 0; c < classes; c++)
            {
                double probability = Math.Exp(double.CreateTruncating(row[c]) - logSum);
                grow[c] += T.CreateTruncating(scale * (probability * total - target[n * classes + c]));
            }
        }
    }
}
