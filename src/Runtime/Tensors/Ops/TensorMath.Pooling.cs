using System;

namespace DiffGen;

public static partial class TensorMath
{
    /// <summary>
    /// Max pooling over square windows of a batch of images in NCHW layout, with the stride equal to the window
    /// (PyTorch's <c>max_pool2d(input, kernelSize)</c>).
    /// </summary>
    /// <param name="input">The images, <c>[N, C, H, W]</c>.</param>
    /// <param name="kernelSize">The side of a window (1 or more).</param>
    /// <returns><c>[N, C, H / kernelSize, W / kernelSize]</c> (rounded down): the maximum of each window.</returns>
    /// <exception cref="ArgumentException">The input is not of rank 4, or smaller than a window.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The kernel size is below 1.</exception>
    public static Tensor MaxPool2d(Tensor input, int kernelSize) => MaxPool2d(input, kernelSize, kernelSize, padding: 0);

    /// <summary>
    /// Max pooling over square windows of a batch of images in NCHW layout (PyTorch's <c>max_pool2d</c>, without
    /// dilation or <c>ceil_mode</c>).
    /// </summary>
    /// <remarks>
    /// Padding never takes part in a maximum (it acts as −∞). On a tie the first maximal element of the window in
    /// row-major order is the maximum, and the backward rule gives it the whole gradient (as PyTorch on the CPU); a
    /// NaN in a window is its maximum, and its first NaN gets the gradient.
    /// </remarks>
    /// <param name="input">The images, <c>[N, C, H, W]</c>.</param>
    /// <param name="kernelSize">The side of a window (1 or more).</param>
    /// <param name="stride">The step between two windows, in both directions (1 or more).</param>
    /// <param name="padding">The padding on each side, in both directions: between 0 and <c>kernelSize / 2</c>.</param>
    /// <returns>
    /// <c>[N, C, Hout, Wout]</c> with <c>Hout = (H + 2·padding − kernelSize) / stride + 1</c> (rounded down), likewise
    /// <c>Wout</c>.
    /// </returns>
    /// <exception cref="ArgumentException">The input is not of rank 4, or its padded size is smaller than a window.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The kernel size or stride is below 1, or the padding out of range.</exception>
    /// <example>
    /// <code>
    /// var pooled = MaxPool2d(Relu(Conv2d(images, weight, bias, padding: 2)), 2);   // [64, 6, 28, 28] -> [64, 6, 14, 14]
    /// </code>
    /// </example>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int stride, int padding = 0)
    {
        var shape = Pool2dShape.Of(nameof(MaxPool2d), input, kernelSize, stride, padding);
        var result = Tensor.Empty(input.DType, shape.Batch, shape.Channels, shape.OutHeight, shape.OutWidth);
        if (input.DType == DType.Float32)
        {
            PoolingKernels<float>.MaxForward(shape, input.Floats, result.Floats);
        }
        else
        {
            PoolingKernels<double>.MaxForward(shape, input.Doubles, result.Doubles);
        }

        return result;
    }

    /// <summary>The backward rule of <see cref="MaxPool2d(Tensor, int)"/>: adds each window's gradient to its maximum.</summary>
    /// <param name="gradient">The upstream gradient, shaped like <paramref name="result"/>.</param>
    /// <param name="result">What the pooling returned: each window's maximum, looked up in the window.</param>
    /// <param name="input">The pooling's input.</param>
    /// <param name="kernelSize">The pooling's window side.</param>
    /// <param name="dinput">Receives the gradient, shaped like <paramref name="input"/>; skipped when <see langword="null"/>.</param>
    [DerivativeOf(nameof(MaxPool2d))]
    public static void MaxPool2dBackward(Tensor gradient, Tensor result, Tensor input, int kernelSize, Tensor? dinput)
        => MaxPool2dBackward(gradient, result, input, kernelSize, kernelSize, padding: 0, dinput);

    /// <summary>
    /// The backward rule of <see cref="MaxPool2d(Tensor, int, int, int)"/>: adds each window's gradient to the window's
    /// first element (in row-major order) equal to its maximum.
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like <paramref name="result"/>.</param>
    /// <param name="result">What the pooling returned: each window's maximum, looked up in the window.</param>
    /// <param name="input">The pooling's input.</param>
    /// <param name="kernelSize">The pooling's window side.</param>
    /// <param name="stride">The pooling's stride.</param>
    /// <param name="padding">The pooling's padding.</param>
    /// <param name="dinput">Receives the gradient, shaped like <paramref name="input"/>; skipped when <see langword="null"/>.</param>
    [DerivativeOf(nameof(MaxPool2d))]
    public static void MaxPool2dBackward(Tensor gradient, Tensor result, Tensor input, int kernelSize, int stride, int padding, Tensor? dinput)
    {
        const string op = nameof(MaxPool2dBackward);
        var shape = Pool2dShape.Of(op, input, kernelSize, stride, padding);
        shape.CheckBackward(op, gradient, input, dinput);
        ArgumentNullException.ThrowIfNull(result);
        Conv2dChecks.Gradient(op, nameof(result), result, gradient.Shape, input.DType);
        if (dinput is null)
        {
            return;
        }

        if (input.DType == DType.Float32)
        {
            PoolingKernels<float>.MaxBackward(shape, gradient.Floats, result.Floats, input.Floats, dinput.Floats);
        }
        else
        {
            PoolingKernels<double>.MaxBackward(shape, gradient.Doubles, result.Doubles, input.Doubles, dinput.Doubles);
        }
    }

    /// <summary>
    /// Average pooling over square windows of a batch of images in NCHW layout, with the stride equal to the window
    /// (PyTorch's <c>avg_pool2d(input, kernelSize)</c>).
    /// </summary>
    /// <param name="input">The images, <c>[N, C, H, W]</c>.</param>
    /// <param name="kernelSize">The side of a window (1 or more).</param>
    /// <returns><c>[N, C, H / kernelSize, W / kernelSize]</c> (rounded down): the mean of each window.</returns>
    /// <exception cref="ArgumentException">The input is not of rank 4, or smaller than a window.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The kernel size is below 1.</exception>
    public static Tensor AvgPool2d(Tensor input, int kernelSize) => AvgPool2d(input, kernelSize, kernelSize, padding: 0, countIncludePad: true);

    /// <summary>
    /// Average pooling over square windows of a batch of images in NCHW layout (PyTorch's <c>avg_pool2d</c>, without
    /// <c>ceil_mode</c> or <c>divisor_override</c>).
    /// </summary>
    /// <param name="input">The images, <c>[N, C, H, W]</c>.</param>
    /// <param name="kernelSize">The side of a window (1 or more).</param>
    /// <param name="stride">The step between two windows, in both directions (1 or more).</param>
    /// <param name="padding">The zero padding on each side, in both directions: between 0 and <c>kernelSize / 2</c>.</param>
    /// <param name="countIncludePad">
    /// Whether padding counts in a window's size (PyTorch's default): the divisor is then always
    /// <c>kernelSize²</c>; otherwise it is the number of input elements in the window.
    /// </param>
    /// <returns>
    /// <c>[N, C, Hout, Wout]</c> with <c>Hout = (H + 2·padding − kernelSize) / stride + 1</c> (rounded down), likewise
    /// <c>Wout</c>.
    /// </returns>
    /// <exception cref="ArgumentException">The input is not of rank 4, or its padded size is smaller than a window.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The kernel size or stride is below 1, or the padding out of range.</exception>
    public static Tensor AvgPool2d(Tensor input, int kernelSize, int stride, int padding = 0, bool countIncludePad = true)
    {
        var shape = Pool2dShape.Of(nameof(AvgPool2d), input, kernelSize, stride, padding);
        var result = Tensor.Empty(input.DType, shape.Batch, shape.Channels, shape.OutHeight, shape.OutWidth);
        if (input.DType == DType.Float32)
        {
            PoolingKernels<float>.AverageForward(shape, input.Floats, result.Floats, countIncludePad);
        }
        else
        {
            PoolingKernels<double>.AverageForward(shape, input.Doubles, result.Doubles, countIncludePad);
        }

        return result;
    }

    /// <summary>The backward rule of <see cref="AvgPool2d(Tensor, int)"/>: spreads each window's gradient evenly over it.</summary>
    /// <param name="gradient">The upstream gradient, shaped like <paramref name="result"/>.</param>
    /// <param name="result">What the pooling returned (not read).</param>
    /// <param name="input">The pooling's input (only its shape is read).</param>
    /// <param name="kernelSize">The pooling's window side.</param>
    /// <param name="dinput">Receives the gradient, shaped like <paramref name="input"/>; skipped when <see langword="null"/>.</param>
    [DerivativeOf(nameof(AvgPool2d))]
    public static void AvgPool2dBackward(Tensor gradient, Tensor result, Tensor input, int kernelSize, Tensor? dinput)
        => AvgPool2dBackward(gradient, result, input, kernelSize, kernelSize, padding: 0, countIncludePad: true, dinput);

    /// <summary>
    /// The backward rule of <see cref="AvgPool2d(Tensor, int, int, int, bool)"/>: adds each window's gradient divided
    /// by the window's divisor to every input element of the window.
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like <paramref name="result"/>.</param>
    /// <param name="result">What the pooling returned (not read).</param>
    /// <param name="input">The pooling's input (only its shape is read).</param>
    /// <param name="kernelSize">The pooling's window side.</param>
    /// <param name="stride">The pooling's stride.</param>
    /// <param name="padding">The pooling's padding.</param>
    /// <param name="countIncludePad">Whether padding counted in a window's size.</param>
    /// <param name="dinput">Receives the gradient, shaped like <paramref name="input"/>; skipped when <see langword="null"/>.</param>
    [DerivativeOf(nameof(AvgPool2d))]
    public static void AvgPool2dBackward(
        Tensor gradient, Tensor result, Tensor input, int kernelSize, int stride, int padding, bool countIncludePad, Tensor? dinput)
    {
        const string op = nameof(AvgPool2dBackward);
        var shape = Pool2dShape.Of(op, input, kernelSize, stride, padding);
        shape.CheckBackward(op, gradient, input, dinput);
        if (dinput is null)
        {
            return;
        }

        if (input.DType == DType.Float32)
        {
            PoolingKernels<float>.AverageBackward(shape, gradient.Floats, dinput.Floats, countIncludePad);
        }
        else
        {
            PoolingKernels<double>.AverageBackward(shape, gradient.Doubles, dinput.Doubles, countIncludePad);
        }
    }
}
