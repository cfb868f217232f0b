using System;

namespace DiffGen;

/// <summary>The geometry of one square 2-D pooling (NCHW), checked once where the operation is called.</summary>
internal readonly struct Pool2dShape
{
    public int Batch { get; init; }

    public int Channels { get; init; }

    public int Height { get; init; }

    public int Width { get; init; }

    public int Kernel { get; init; }

    public int Stride { get; init; }

    public int Padding { get; init; }

    public int OutHeight { get; init; }

    public int OutWidth { get; init; }

    /// <summary>Planes (<c>N * C</c>): each is pooled on its own.</summary>
    public int Planes => Batch * Channels;

    /// <summary>Checks the arguments of a pooling and computes its output size.</summary>
    public static Pool2dShape Of(string op, Tensor input, int kernelSize, int stride, int padding)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4)
        {
            throw new ArgumentException($"{op}: the input must have shape [N, C, H, W]; it has shape {input.ShapeText()}.", nameof(input));
        }

        if (kernelSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, $"{op}: the kernel size must be 1 or more; it is {kernelSize}.");
        }

        if (stride < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"{op}: the stride must be 1 or more; it is {stride}.");
        }

        if (padding < 0 || padding > kernelSize / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(padding), padding, $"{op}: the padding must be between 0 and half the kernel size ({kernelSize / 2}); it is {padding}.");
        }

        var i = input.Shape;
        long paddedHeight = i[2] + 2L * padding;
        long paddedWidth = i[3] + 2L * padding;
        if (kernelSize > paddedHeight || kernelSize > paddedWidth)
        {
            throw new ArgumentException(
                $"{op}: the kernel {kernelSize} x {kernelSize} does not fit in the padded input {paddedHeight} x {paddedWidth} (input {input.ShapeText()}, padding {padding}).",
                nameof(input));
        }

        return new Pool2dShape
        {
            Batch = i[0],
            Channels = i[1],
            Height = i[2],
            Width = i[3],
            Kernel = kernelSize,
            Stride = stride,
            Padding = padding,
            OutHeight = (int)((paddedHeight - kernelSize) / stride + 1),
            OutWidth = (int)((paddedWidth - kernelSize) / stride + 1),
        };
    }

    /// <summary>Checks the tensors a backward rule receives against the shape of the forward call.</summary>
    public void CheckBackward(string op, Tensor gradient, Tensor input, Tensor? dinput)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ReadOnlySpan<int> outShape = [Batch, Channels, OutHeight, OutWidth];
        Conv2dChecks.Gradient(op, nameof(gradient), gradient, outShape, input.DType);
        Conv2dChecks.Gradient(op, nameof(dinput), dinput, input.Shape, input.DType);
    }
}
