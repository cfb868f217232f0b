using System;

namespace DiffGen;

public static partial class TensorMath
{
    /// <summary>
    /// Batch normalization of features, <c>[N, C]</c>, or of sequences, <c>[N, C, L]</c> (PyTorch's
    /// <c>BatchNorm1d</c>): each channel is normalized over the batch (and the length), then scaled and shifted.
    /// </summary>
    /// <remarks>See <see cref="BatchNorm2d"/>; only the accepted shapes differ.</remarks>
    /// <param name="input">The features, <c>[N, C]</c> or <c>[N, C, L]</c>.</param>
    /// <param name="weight">The scale per channel, <c>[C]</c>, or <see langword="null"/> for 1.</param>
    /// <param name="bias">The shift per channel, <c>[C]</c>, or <see langword="null"/> for 0.</param>
    /// <param name="state">The layer's running statistics, momentum and epsilon; updated in training.</param>
    /// <param name="training">Whether to normalize with the batch's statistics and update the running ones (training) or with the running ones (evaluation).</param>
    /// <returns>A new tensor shaped like <paramref name="input"/>.</returns>
    /// <exception cref="ArgumentException">
    /// A shape or element type does not fit (the message names the operation and the shapes), or in training a channel
    /// has a single value.
    /// </exception>
    public static Tensor BatchNorm1d(Tensor input, Tensor? weight, Tensor? bias, BatchNormState state, bool training)
    {
        var shape = BatchNormShape.Of(nameof(BatchNorm1d), input, weight, bias, state, training, spatialRanks: 1);
        return BatchNormForward(shape, input, weight, bias, state, training);
    }

    /// <summary>
    /// The backward rule of <see cref="BatchNorm1d"/>: adds the input, weight and bias gradients (each skipped when
    /// <see langword="null"/>).
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like <paramref name="input"/>.</param>
    /// <param name="result">What the normalization returned (not read).</param>
    /// <param name="input">The normalization's input.</param>
    /// <param name="weight">The normalization's weight, or <see langword="null"/>.</param>
    /// <param name="bias">The normalization's bias, or <see langword="null"/>.</param>
    /// <param name="state">The normalization's state; in evaluation its running statistics must be those the forward used.</param>
    /// <param name="training">The normalization's mode.</param>
    /// <param name="dinput">Receives the input gradient, shaped like <paramref name="input"/>.</param>
    /// <param name="dweight">Receives the weight gradient, <c>[C]</c>; null when the weight is.</param>
    /// <param name="dbias">Receives the bias gradient, <c>[C]</c>; null when the bias is.</param>
    [DerivativeOf(nameof(BatchNorm1d))]
    public static void BatchNorm1dBackward(
        Tensor gradient, Tensor result, Tensor input, Tensor? weight, Tensor? bias, BatchNormState state, bool training,
        Tensor? dinput, Tensor? dweight, Tensor? dbias)
    {
        const string op = nameof(BatchNorm1dBackward);
        var shape = BatchNormShape.Of(op, input, weight, bias, state, training, spatialRanks: 1);
        BatchNormBackward(op, shape, gradient, input, weight, bias, state, training, dinput, dweight, dbias);
    }

    /// <summary>
    /// Batch normalization of images, <c>[N, C, H, W]</c> (PyTorch's <c>BatchNorm2d</c>): each channel is normalized
    /// over the batch and the pixels, then scaled by <paramref name="weight"/> and shifted by <paramref name="bias"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// In training, <c>y = (x − mean) / √(var + eps) · weight + bias</c> with the mean and the biased variance of the
    /// channel's values in this batch, and <paramref name="state"/>'s running statistics are updated (see
    /// <see cref="BatchNormState"/>). In evaluation, the running mean and variance take their place and nothing is
    /// updated. As PyTorch.
    /// </para>
    /// <para>
    /// The backward rule computes the batch statistics again from the input rather than keeping them, so the same
    /// state can serve several calls.
    /// </para>
    /// </remarks>
    /// <param name="input">The images, <c>[N, C, H, W]</c>.</param>
    /// <param name="weight">The scale per channel, <c>[C]</c>, or <see langword="null"/> for 1.</param>
    /// <param name="bias">The shift per channel, <c>[C]</c>, or <see langword="null"/> for 0.</param>
    /// <param name="state">The layer's running statistics, momentum and epsilon; updated in training.</param>
    /// <param name="training">Whether to normalize with the batch's statistics and update the running ones (training) or with the running ones (evaluation).</param>
    /// <returns>A new tensor shaped like <paramref name="input"/>.</returns>
    /// <exception cref="ArgumentException">
    /// A shape or element type does not fit (the message names the operation and the shapes), or in training a channel
    /// has a single value.
    /// </exception>
    /// <example>
    /// <code>
    /// var bn = new BatchNormState(16);
    /// var h = Relu(BatchNorm2d(Conv2d(x, w2, null), gamma, beta, bn, training: true));
    /// </code>
    /// </example>
    public static Tensor BatchNorm2d(Tensor input, Tensor? weight, Tensor? bias, BatchNormState state, bool training)
    {
        var shape = BatchNormShape.Of(nameof(BatchNorm2d), input, weight, bias, state, training, spatialRanks: 2);
        return BatchNormForward(shape, input, weight, bias, state, training);
    }

    /// <summary>
    /// The backward rule of <see cref="BatchNorm2d"/>: adds the input, weight and bias gradients (each skipped when
    /// <see langword="null"/>).
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like <paramref name="input"/>.</param>
    /// <param name="result">What the normalization returned (not read).</param>
    /// <param name="input">The normalization's input.</param>
    /// <param name="weight">The normalization's weight, or <see langword="null"/>.</param>
    /// <param name="bias">The normalization's bias, or <see langword="null"/>.</param>
    /// <param name="state">The normalization's state; in evaluation its running statistics must be those the forward used.</param>
    /// <param name="training">The normalization's mode.</param>
    /// <param name="dinput">Receives the input gradient, shaped like <paramref name="input"/>.</param>
    /// <param name="dweight">Receives the weight gradient, <c>[C]</c>; null when the weight is.</param>
    /// <param name="dbias">Receives the bias gradient, <c>[C]</c>; null when the bias is.</param>
    [DerivativeOf(nameof(BatchNorm2d))]
    public static void BatchNorm2dBackward(
        Tensor gradient, Tensor result, Tensor input, Tensor? weight, Tensor? bias, BatchNormState state, bool training,
        Tensor? dinput, Tensor? dweight, Tensor? dbias)
    {
        const string op = nameof(BatchNorm2dBackward);
        var shape = BatchNormShape.Of(op, input, weight, bias, state, training, spatialRanks: 2);
        BatchNormBackward(op, shape, gradient, input, weight, bias, state, training, dinput, dweight, dbias);
    }

    private static Tensor BatchNormForward(in BatchNormShape shape, Tensor input, Tensor? weight, Tensor? bias, BatchNormState state, bool training)
    {
        var result = Tensor.Empty(input.DType, input.Shape);
        if (input.DType == DType.Float32)
        {
            BatchNormKernels<float>.Forward(
                shape, input.Floats, weight is null ? default : weight.Floats, bias is null ? default : bias.Floats,
                state.RunningMean.Floats, state.RunningVar.Floats, (float)state.Eps, (float)state.Momentum, training, result.Floats);
        }
        else
        {
            BatchNormKernels<double>.Forward(
                shape, input.Doubles, weight is null ? default : weight.Doubles, bias is null ? default : bias.Doubles,
                state.RunningMean.Doubles, state.RunningVar.Doubles, state.Eps, state.Momentum, training, result.Doubles);
        }

        if (training)
        {
            state.BatchesTracked++;
        }

        return result;
    }

    private static void BatchNormBackward(
        string op, in BatchNormShape shape, Tensor gradient, Tensor input, Tensor? weight, Tensor? bias, BatchNormState state, bool training,
        Tensor? dinput, Tensor? dweight, Tensor? dbias)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        Conv2dChecks.Gradient(op, nameof(gradient), gradient, input.Shape, input.DType);
        Conv2dChecks.Gradient(op, nameof(dinput), dinput, input.Shape, input.DType);
        BatchNormShape.CheckParameterGradient(op, nameof(dweight), dweight, weight, nameof(weight), input.DType);
        BatchNormShape.CheckParameterGradient(op, nameof(dbias), dbias, bias, nameof(bias), input.DType);
        if (dinput is null && dweight is null && dbias is null)
        {
            return;
        }

        if (input.DType == DType.Float32)
        {
            BatchNormKernels<float>.Backward(
                shape, gradient.Floats, input.Floats, weight is null ? default : weight.Floats,
                state.RunningMean.Floats, state.RunningVar.Floats, (float)state.Eps, training,
                dinput is null ? default : dinput.Floats, dinput is not null,
                dweight is null ? default : dweight.Floats, dweight is not null,
                dbias is null ? default : dbias.Floats, dbias is not null);
        }
        else
        {
            BatchNormKernels<double>.Backward(
                shape, gradient.Doubles, input.Doubles, weight is null ? default : weight.Doubles,
                state.RunningMean.Doubles, state.RunningVar.Doubles, state.Eps, training,
                dinput is null ? default : dinput.Doubles, dinput is not null,
                dweight is null ? default : dweight.Doubles, dweight is not null,
                dbias is null ? default : dbias.Doubles, dbias is not null);
        }
    }
}
