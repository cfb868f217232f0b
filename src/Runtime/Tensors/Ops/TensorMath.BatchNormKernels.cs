using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace DiffGen;

/// <summary>
/// The layout of a batch normalization's input seen as <c>[N, C, S]</c> (S = the product of the dimensions after
/// the channel, 1 for <c>[N, C]</c>), checked once where the operation is called.
/// </summary>
internal readonly struct BatchNormShape
{
    public int Batch { get; init; }

    public int Channels { get; init; }

    /// <summary>Values per image and channel: <c>L</c>, <c>H * W</c>, or 1.</summary>
    public int Spatial { get; init; }

    /// <summary>The number of values each channel is normalized over (<c>N * S</c>).</summary>
    public int Count => Batch * Spatial;

    /// <summary>
    /// Checks the arguments of a batch normalization. <paramref name="spatialRanks"/> is 2 for <c>BatchNorm2d</c>
    /// (rank 4 only) and 1 for <c>BatchNorm1d</c> (rank 2 or 3).
    /// </summary>
    public static BatchNormShape Of(string op, Tensor input, Tensor? weight, Tensor? bias, BatchNormState state, bool training, int spatialRanks)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(state);
        bool rankFits = spatialRanks == 2 ? input.Rank == 4 : input.Rank is 2 or 3;
        if (!rankFits)
        {
            string expected = spatialRanks == 2 ? "[N, C, H, W]" : "[N, C] or [N, C, L]";
            throw new ArgumentException($"{op}: the input must have shape {expected}; it has shape {input.ShapeText()}.", nameof(input));
        }

        int channels = input.Shape[1];
        CheckParameter(op, weight, nameof(weight), input, channels);
        CheckParameter(op, bias, nameof(bias), input, channels);
        if (state.Channels != channels)
        {
            throw new ArgumentException($"{op}: the state has running statistics for {state.Channels} channels; input {input.ShapeText()} has {channels}.", nameof(state));
        }

        if (state.DType != input.DType)
        {
            throw new ArgumentException($"{op}: the input is {input.DType} and the state's running statistics {state.DType}; create the state with dtype: DType.{input.DType}.", nameof(state));
        }

        int spatial = 1;
        for (int i = 2; i < input.Rank; i++)
        {
            spatial *= input.Shape[i];
        }

        var shape = new BatchNormShape { Batch = input.Shape[0], Channels = channels, Spatial = spatial };
        if (training && shape.Count <= 1)
        {
            throw new ArgumentException($"{op}: training needs more than one value per channel to compute a variance; input {input.ShapeText()} has {shape.Count}.", nameof(input));
        }

        return shape;
    }

    /// <summary>Checks that a weight or bias gradient is given only for a weight or bias, with its shape and element type.</summary>
    public static void CheckParameterGradient(string op, string name, Tensor? gradient, Tensor? parameter, string parameterName, DType dtype)
    {
        if (gradient is null)
        {
            return;
        }

        if (parameter is null)
        {
            throw new ArgumentException($"{op}: a {parameterName} gradient was given for a null {parameterName}.", name);
        }

        Conv2dChecks.Gradient(op, name, gradient, parameter.Shape, dtype);
    }

    private static void CheckParameter(string op, Tensor? parameter, string name, Tensor input, int channels)
    {
        if (parameter is null)
        {
            return;
        }

        if (parameter.DType != input.DType)
        {
            throw new ArgumentException($"{op}: the input is {input.DType} and the {name} {parameter.DType}; convert one with To(...).", name);
        }

        if (parameter.Rank != 1 || parameter.Shape[0] != channels)
        {
            throw new ArgumentException($"{op}: the {name} must have shape [{channels}], one value per channel of input {input.ShapeText()}; it has shape {parameter.ShapeText()}.", name);
        }
    }
}

/// <summary>
/// Batch normalization over <c>[N, C, S]</c>, forward and backward, for <see cref="float"/> and <see cref="double"/>.
/// </summary>
/// <remarks>
/// Per channel, with <c>M = N·S</c> values, <c>x̂ = (x − mean)·invstd</c> and <c>y = x̂·w + b</c>. In training the
/// mean and the biased variance are the batch's (sums of slices added in double), and
/// <code>
/// db += Σ g          dw += Σ g·x̂
/// dx += w·invstd · (g − Σg / M − x̂ · Σ(g·x̂) / M)
/// </code>
/// In evaluation the running statistics are constants: <c>dx += w·invstd·g</c>. The backward pass computes the batch
/// statistics again with the same code as the forward, so they are the same bit for bit.
/// </remarks>
internal static class BatchNormKernels<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(
        in BatchNormShape s, ReadOnlySpan<T> input, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias,
        Span<T> runningMean, Span<T> runningVar, T eps, T momentum, bool training, Span<T> output)
    {
        if (s.Spatial == 1)
        {
            ForwardRows(s, input, weight, bias, runningMean, runningVar, eps, momentum, training, output);
            return;
        }

        for (int c = 0; c < s.Channels; c++)
        {
            T mean, invStd;
            if (training)
            {
                (mean, T variance) = Statistics(s, input, c);
                invStd = T.One / T.Sqrt(variance + eps);
                T unbiased = variance * T.CreateTruncating(s.Count) / T.CreateTruncating(s.Count - 1);
                runningMean[c] = (T.One - momentum) * runningMean[c] + momentum * mean;
                runningVar[c] = (T.One - momentum) * runningVar[c] + momentum * unbiased;
            }
            else
            {
                mean = runningMean[c];
                invStd = T.One / T.Sqrt(runningVar[c] + eps);
            }

            T scale = (weight.IsEmpty ? T.One : weight[c]) * invStd;
            T shift = bias.IsEmpty ? T.Zero : bias[c];
            for (int n = 0; n < s.Batch; n++)
            {
                int offset = (n * s.Channels + c) * s.Spatial;
                Affine(input.Slice(offset, s.Spatial), mean, scale, shift, output.Slice(offset, s.Spatial));
            }
        }
    }

    public static void Backward(
        in BatchNormShape s, ReadOnlySpan<T> gradient, ReadOnlySpan<T> input, ReadOnlySpan<T> weight,
        ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVar, T eps, bool training,
        Span<T> dinput, bool wantInput, Span<T> dweight, bool wantWeight, Span<T> dbias, bool wantBias)
    {
        if (s.Spatial == 1)
        {
            BackwardRows(s, gradient, input, weight, runningMean, runningVar, eps, training, dinput, wantInput, dweight, wantWeight, dbias, wantBias);
            return;
        }

        T count = T.CreateTruncating(s.Count);
        for (int c = 0; c < s.Channels; c++)
        {
            T mean, invStd;
            if (training)
            {
                (mean, T variance) = Statistics(s, input, c);
                invStd = T.One / T.Sqrt(variance + eps);
            }
            else
            {
                mean = runningMean[c];
                invStd = T.One / T.Sqrt(runningVar[c] + eps);
            }

            // Σ g and Σ g·(x − mean), each slice's sum added in double.
            double gradientSum = 0, centeredDot = 0;
            for (int n = 0; n < s.Batch; n++)
            {
                int offset = (n * s.Channels + c) * s.Spatial;
                ReadOnlySpan<T> g = gradient.Slice(offset, s.Spatial);
                gradientSum += double.CreateTruncating(TensorPrimitives.Sum(g));
                centeredDot += double.CreateTruncating(CenteredDot(g, input.Slice(offset, s.Spatial), mean));
            }

            T sumG = T.CreateTruncating(gradientSum);
            T sumGXHat = T.CreateTruncating(centeredDot) * invStd;
            if (wantBias)
            {
                dbias[c] += sumG;
            }

            if (wantWeight)
            {
                dweight[c] += sumGXHat;
            }

            if (!wantInput)
            {
                continue;
            }

            // dx += a·g + b·(x − mean) + k
            T a = (weight.IsEmpty ? T.One : weight[c]) * invStd;
            T b = training ? -a * invStd * sumGXHat / count : T.Zero;
            T k = training ? -a * sumG / count : T.Zero;
            for (int n = 0; n < s.Batch; n++)
            {
                int offset = (n * s.Channels + c) * s.Spatial;
                AddInputGradient(gradient.Slice(offset, s.Spatial), input.Slice(offset, s.Spatial), mean, a, b, k, dinput.Slice(offset, s.Spatial));
            }
        }
    }

    // Features [N, C] (Spatial 1): a channel's values are a column, so the work runs along the rows, all channels at
    // once (TensorPrimitives over rows of C), with per-channel vectors in the thread's scratch instead of one call per
    // element.

    /// <summary><see cref="Forward"/> for <c>[N, C]</c>.</summary>
    private static void ForwardRows(
        in BatchNormShape s, ReadOnlySpan<T> input, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias,
        Span<T> runningMean, Span<T> runningVar, T eps, T momentum, bool training, Span<T> output)
    {
        int channels = s.Channels;
        Span<T> scratch = ConvolutionScratch.Get<T>(4 * channels);
        Span<T> mean = scratch[..channels];
        Span<T> scale = scratch.Slice(channels, channels);
        Span<T> shift = scratch.Slice(2 * channels, channels);
        Span<T> variance = scratch.Slice(3 * channels, channels);
        if (training)
        {
            RowStatistics(s, input, mean, variance);
            T unbiasedFactor = T.CreateTruncating(s.Count) / T.CreateTruncating(s.Count - 1);
            for (int c = 0; c < channels; c++)
            {
                runningMean[c] = (T.One - momentum) * runningMean[c] + momentum * mean[c];
                runningVar[c] = (T.One - momentum) * runningVar[c] + momentum * variance[c] * unbiasedFactor;
            }
        }
        else
        {
            runningMean.CopyTo(mean);
            runningVar.CopyTo(variance);
        }

        for (int c = 0; c < channels; c++)
        {
            scale[c] = (weight.IsEmpty ? T.One : weight[c]) / T.Sqrt(variance[c] + eps);
            shift[c] = bias.IsEmpty ? T.Zero : bias[c];
        }

        for (int n = 0; n < s.Batch; n++)
        {
            Span<T> row = output.Slice(n * channels, channels);
            TensorPrimitives.Subtract(input.Slice(n * channels, channels), mean, row);
            TensorPrimitives.MultiplyAdd(row, scale, shift, row);
        }
    }

    /// <summary><see cref="Backward"/> for <c>[N, C]</c>.</summary>
    private static void BackwardRows(
        in BatchNormShape s, ReadOnlySpan<T> gradient, ReadOnlySpan<T> input, ReadOnlySpan<T> weight,
        ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVar, T eps, bool training,
        Span<T> dinput, bool wantInput, Span<T> dweight, bool wantWeight, Span<T> dbias, bool wantBias)
    {
        int channels = s.Channels;
        Span<T> scratch = ConvolutionScratch.Get<T>(7 * channels);
        Span<T> mean = scratch[..channels];
        Span<T> invStd = scratch.Slice(channels, channels);
        Span<T> sumG = scratch.Slice(2 * channels, channels);
        Span<T> sumGXHat = scratch.Slice(3 * channels, channels);
        Span<T> a = scratch.Slice(4 * channels, channels);
        Span<T> b = scratch.Slice(5 * channels, channels);
        Span<T> centered = scratch.Slice(6 * channels, channels);
        if (training)
        {
            RowStatistics(s, input, mean, invStd);
        }
        else
        {
            runningMean.CopyTo(mean);
            runningVar.CopyTo(invStd);
        }

        for (int c = 0; c < channels; c++)
        {
            invStd[c] = T.One / T.Sqrt(invStd[c] + eps);
        }

        // Σ g and Σ g·(x − mean) per channel.
        sumG.Clear();
        sumGXHat.Clear();
        for (int n = 0; n < s.Batch; n++)
        {
            ReadOnlySpan<T> g = gradient.Slice(n * channels, channels);
            TensorPrimitives.Subtract(input.Slice(n * channels, channels), mean, centered);
            TensorPrimitives.Add(sumG, g, sumG);
            TensorPrimitives.MultiplyAdd(g, centered, sumGXHat, sumGXHat);
        }

        TensorPrimitives.Multiply(sumGXHat, invStd, sumGXHat);
        if (wantBias)
        {
            TensorPrimitives.Add(dbias, sumG, dbias);
        }

        if (wantWeight)
        {
            TensorPrimitives.Add(dweight, sumGXHat, dweight);
        }

        if (!wantInput)
        {
            return;
        }

        // dx += a·g + b·(x − mean) + k, with k kept in sumG.
        T count = T.CreateTruncating(s.Count);
        for (int c = 0; c < channels; c++)
        {
            a[c] = (weight.IsEmpty ? T.One : weight[c]) * invStd[c];
            b[c] = training ? -a[c] * invStd[c] * sumGXHat[c] / count : T.Zero;
            sumG[c] = training ? -a[c] * sumG[c] / count : T.Zero;
        }

        for (int n = 0; n < s.Batch; n++)
        {
            Span<T> dx = dinput.Slice(n * channels, channels);
            TensorPrimitives.Subtract(input.Slice(n * channels, channels), mean, centered);
            TensorPrimitives.MultiplyAdd(gradient.Slice(n * channels, channels), a, dx, dx);
            TensorPrimitives.MultiplyAdd(centered, b, dx, dx);
            TensorPrimitives.Add(dx, sumG, dx);
        }
    }

    /// <summary>The mean and the biased variance of every channel of <c>[N, C]</c>, by two passes along the rows.</summary>
    private static void RowStatistics(in BatchNormShape s, ReadOnlySpan<T> input, Span<T> mean, Span<T> variance)
    {
        int channels = s.Channels;
        T count = T.CreateTruncating(s.Count);
        mean.Clear();
        for (int n = 0; n < s.Batch; n++)
        {
            TensorPrimitives.Add(mean, input.Slice(n * channels, channels), mean);
        }

        TensorPrimitives.Divide(mean, count, mean);
        variance.Clear();
        for (int n = 0; n < s.Batch; n++)
        {
            ReadOnlySpan<T> row = input.Slice(n * channels, channels);
            for (int c = 0; c < channels; c++)
            {
                T d = row[c] - mean[c];
                variance[c] += d * d;
            }
        }

        TensorPrimitives.Divide(variance, count, variance);
    }

    /// <summary>The mean and the biased variance of channel <paramref name="c"/>, by two passes.</summary>
    private static (T Mean, T Variance) Statistics(in BatchNormShape s, ReadOnlySpan<T> input, int c)
    {
        double sum = 0;
        for (int n = 0; n < s.Batch; n++)
        {
            sum += double.CreateTruncating(TensorPrimitives.Sum(input.Slice((n * s.Channels + c) * s.Spatial, s.Spatial)));
        }

        T mean = T.CreateTruncating(sum / s.Count);
        double squares = 0;
        for (int n = 0; n < s.Batch; n++)
        {
            squares += double.CreateTruncating(SquaredDeviations(input.Slice((n * s.Channels + c) * s.Spatial, s.Spatial), mean));
        }

        return (mean, T.CreateTruncating(squares / s.Count));
    }

    /// <summary><c>Σ (x − mean)²</c>.</summary>
    private static T SquaredDeviations(ReadOnlySpan<T> x, T mean)
    {
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var m = new Vector<T>(mean);
            var acc = Vector<T>.Zero;
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var d = new Vector<T>(x.Slice(i)) - m;
                acc += d * d;
            }

            sum = Vector.Sum(acc);
        }

        for (; i < x.Length; i++)
        {
            T d = x[i] - mean;
            sum += d * d;
        }

        return sum;
    }

    /// <summary><c>Σ g · (x − mean)</c>.</summary>
    private static T CenteredDot(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T mean)
    {
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var m = new Vector<T>(mean);
            var acc = Vector<T>.Zero;
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                acc += new Vector<T>(g.Slice(i)) * (new Vector<T>(x.Slice(i)) - m);
            }

            sum = Vector.Sum(acc);
        }

        for (; i < x.Length; i++)
        {
            sum += g[i] * (x[i] - mean);
        }

        return sum;
    }

    /// <summary><c>y = (x − mean) · scale + shift</c>.</summary>
    private static void Affine(ReadOnlySpan<T> x, T mean, T scale, T shift, Span<T> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var m = new Vector<T>(mean);
            var a = new Vector<T>(scale);
            var b = new Vector<T>(shift);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                ((new Vector<T>(x.Slice(i)) - m) * a + b).CopyTo(y.Slice(i));
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = (x[i] - mean) * scale + shift;
        }
    }

    /// <summary><c>dx += a·g + b·(x − mean) + k</c>.</summary>
    private static void AddInputGradient(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T mean, T a, T b, T k, Span<T> dx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var m = new Vector<T>(mean);
            var va = new Vector<T>(a);
            var vb = new Vector<T>(b);
            var vk = new Vector<T>(k);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var d = new Vector<T>(dx.Slice(i)) + va * new Vector<T>(g.Slice(i)) + vb * (new Vector<T>(x.Slice(i)) - m) + vk;
                d.CopyTo(dx.Slice(i));
            }
        }

        for (; i < x.Length; i++)
        {
            dx[i] += a * g[i] + b * (x[i] - mean) + k;
        }
    }
}
