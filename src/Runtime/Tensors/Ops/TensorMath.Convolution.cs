using System;

namespace DiffGen;

// Convolution (the class is documented in TensorMath.cs).
public static partial class TensorMath
{
    /// <summary>
    /// A 2-D convolution (cross-correlation, as in PyTorch's <c>conv2d</c>) of a batch of images in NCHW layout.
    /// </summary>
    /// <param name="input">The images, <c>[N, C, H, W]</c>.</param>
    /// <param name="weight">The kernels, <c>[Cout, C, kH, kW]</c>, same element type as <paramref name="input"/>.</param>
    /// <param name="bias">One value per output channel, <c>[Cout]</c>, or <see langword="null"/> for none.</param>
    /// <param name="stride">The step between two output pixels, in both directions (1 or more).</param>
    /// <param name="padding">The zeros added on each side of the input, in both directions (0 or more).</param>
    /// <param name="dilation">The spacing between kernel taps, in both directions (1 or more).</param>
    /// <returns>
    /// <c>[N, Cout, Hout, Wout]</c> with <c>Hout = (H + 2·padding − dilation·(kH − 1) − 1) / stride + 1</c> (rounded
    /// down) and likewise <c>Wout</c>.
    /// </returns>
    /// <exception cref="ArgumentException">
    /// A shape or element type does not fit (the message names the operation and the shapes), or the kernel does not fit
    /// in the padded input.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The stride or dilation is below 1, or the padding negative.</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, int stride = 1, int padding = 0, int dilation = 1)
        => Conv2d(input, weight, bias, stride, stride, padding, padding, dilation, dilation, groups: 1);

    /// <summary>
    /// A 2-D convolution with separate vertical and horizontal strides, paddings and dilations, and grouped channels
    /// (PyTorch's <c>conv2d</c> with tuples and <c>groups</c>).
    /// </summary>
    /// <param name="input">The images, <c>[N, C, H, W]</c>.</param>
    /// <param name="weight">
    /// The kernels, <c>[Cout, C / groups, kH, kW]</c>: output channels <c>g·Cout/groups</c> to
    /// <c>(g+1)·Cout/groups − 1</c> see only input channels <c>g·C/groups</c> to <c>(g+1)·C/groups − 1</c>.
    /// </param>
    /// <param name="bias">One value per output channel, <c>[Cout]</c>, or <see langword="null"/> for none.</param>
    /// <param name="strideHeight">The vertical step between two output pixels (1 or more).</param>
    /// <param name="strideWidth">The horizontal step between two output pixels (1 or more).</param>
    /// <param name="paddingHeight">The zero rows added above and below the input (0 or more).</param>
    /// <param name="paddingWidth">The zero columns added left and right of the input (0 or more).</param>
    /// <param name="dilationHeight">The vertical spacing between kernel taps (1 or more).</param>
    /// <param name="dilationWidth">The horizontal spacing between kernel taps (1 or more).</param>
    /// <param name="groups">The number of channel groups; it divides <c>C</c> and <c>Cout</c>.</param>
    /// <returns><c>[N, Cout, Hout, Wout]</c>, as for <see cref="Conv2d(Tensor, Tensor, Tensor?, int, int, int)"/>.</returns>
    /// <exception cref="ArgumentException">A shape or element type does not fit, or the kernel does not fit in the padded input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A stride, dilation or the group count is below 1, or a padding negative.</exception>
    public static Tensor Conv2d(
        Tensor input, Tensor weight, Tensor? bias,
        int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, int groups)
    {
        var shape = Conv2dShape.Of(nameof(Conv2d), input, weight, bias, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, groups);
        var result = Tensor.Empty(input.DType, shape.Batch, shape.OutChannels, shape.OutHeight, shape.OutWidth);
        if (input.DType == DType.Float32)
        {
            Conv2dKernels<float>.Forward(shape, input.Floats, weight.Floats, bias is null ? default : bias.Floats, bias is not null, result.Floats);
        }
        else
        {
            Conv2dKernels<double>.Forward(shape, input.Doubles, weight.Doubles, bias is null ? default : bias.Doubles, bias is not null, result.Doubles);
        }

        return result;
    }

    /// <summary>
    /// The backward rule of <see cref="Conv2d(Tensor, Tensor, Tensor?, int, int, int)"/>: adds the input, weight and
    /// bias gradients (each skipped when <see langword="null"/>).
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like <paramref name="result"/>.</param>
    /// <param name="result">What the convolution returned (not read).</param>
    /// <param name="input">The convolution's input.</param>
    /// <param name="weight">The convolution's weight.</param>
    /// <param name="bias">The convolution's bias, or <see langword="null"/>.</param>
    /// <param name="stride">The convolution's stride.</param>
    /// <param name="padding">The convolution's padding.</param>
    /// <param name="dilation">The convolution's dilation.</param>
    /// <param name="dinput">Receives <c>col2im(Wᵀ · dY)</c>, shaped like <paramref name="input"/>.</param>
    /// <param name="dweight">Receives <c>Σₙ dY[n] · cols[n]ᵀ</c>, shaped like <paramref name="weight"/>.</param>
    /// <param name="dbias">Receives the sum of <paramref name="gradient"/> over the batch and the pixels; null when the bias is.</param>
    [DerivativeOf(nameof(Conv2d))]
    public static void Conv2dBackward(
        Tensor gradient, Tensor result, Tensor input, Tensor weight, Tensor? bias, int stride, int padding, int dilation,
        Tensor? dinput, Tensor? dweight, Tensor? dbias)
        => Conv2dBackward(gradient, result, input, weight, bias, stride, stride, padding, padding, dilation, dilation, groups: 1, dinput, dweight, dbias);

    /// <summary>
    /// The backward rule of <see cref="Conv2d(Tensor, Tensor, Tensor?, int, int, int, int, int, int, int)"/>: adds the
    /// input, weight and bias gradients (each skipped when <see langword="null"/>).
    /// </summary>
    /// <param name="gradient">The upstream gradient, shaped like <paramref name="result"/>.</param>
    /// <param name="result">What the convolution returned (not read).</param>
    /// <param name="input">The convolution's input.</param>
    /// <param name="weight">The convolution's weight.</param>
    /// <param name="bias">The convolution's bias, or <see langword="null"/>.</param>
    /// <param name="strideHeight">The convolution's vertical stride.</param>
    /// <param name="strideWidth">The convolution's horizontal stride.</param>
    /// <param name="paddingHeight">The convolution's vertical padding.</param>
    /// <param name="paddingWidth">The convolution's horizontal padding.</param>
    /// <param name="dilationHeight">The convolution's vertical dilation.</param>
    /// <param name="dilationWidth">The convolution's horizontal dilation.</param>
    /// <param name="groups">The convolution's group count.</param>
    /// <param name="dinput">Receives <c>col2im(Wᵀ · dY)</c> per group, shaped like <paramref name="input"/>.</param>
    /// <param name="dweight">Receives <c>Σₙ dY[n] · cols[n]ᵀ</c> per group, shaped like <paramref name="weight"/>.</param>
    /// <param name="dbias">Receives the sum of <paramref name="gradient"/> over the batch and the pixels; null when the bias is.</param>
    [DerivativeOf(nameof(Conv2d))]
    public static void Conv2dBackward(
        Tensor gradient, Tensor result, Tensor input, Tensor weight, Tensor? bias,
        int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, int groups,
        Tensor? dinput, Tensor? dweight, Tensor? dbias)
    {
        const string op = nameof(Conv2dBackward);
        var shape = Conv2dShape.Of(op, input, weight, bias, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, groups);
        shape.CheckBackward(op, gradient, input, weight, bias, dinput, dweight, dbias);
        if (input.DType == DType.Float32)
        {
            Conv2dKernels<float>.Backward(
                shape, gradient.Floats, input.Floats, weight.Floats,
                dinput is null ? default : dinput.Floats, dinput is not null,
                dweight is null ? default : dweight.Floats, dweight is not null,
                dbias is null ? default : dbias.Floats, dbias is not null);
        }
        else
        {
            Conv2dKernels<double>.Backward(
                shape, gradient.Doubles, input.Doubles, weight.Doubles,
                dinput is null ? default : dinput.Doubles, dinput is not null,
                dweight is null ? default : dweight.Doubles, dweight is not null,
                dbias is null ? default : dbias.Doubles, dbias is not null);
        }
    }
}
